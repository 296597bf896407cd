# Storage and keys for the chat service.

resource "aws_s3_bucket" "transcripts" {
  bucket = "acme-chat-transcripts"
}

resource "aws_kms_key" "secrets" {
  description = "Encrypts the model API keys"
}

resource "aws_secretsmanager_secret" "openai" {
  name       = "chat/openai-api-key"
  kms_key_id = aws_kms_key.secrets.arn
}

resource "aws_secretsmanager_secret_rotation" "openai" {
  secret_id           = aws_secretsmanager_secret.openai.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:111122223333:function:rotate-openai"

  rotation_rules {
    automatically_after_days = 365
  }
}

resource "aws_cloudwatch_log_group" "chat" {
  name = "/chat/api"
}

resource "aws_iam_role_policy" "chat" {
  name = "chat-api"
  role = "chat-api"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:*"
      Resource = "*"
    }]
  })
}
