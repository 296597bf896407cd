//! Behaviour of the secret detectors with the built-in catalogue: one
//! true-positive fixture per key pattern (tests/fixtures/secrets/keys/, all
//! keys invented), placeholders and near misses that must not match, the
//! ISO-003 name and value rules, redaction, and catalogue errors.

#[path = "support/secrets.rs"]
mod support;

use std::collections::BTreeSet;
use std::fs;

use vouch::secrets::{KeySet, Secrets, digest, fingerprint, redact_key};

/// Fixture file, pattern id, provider, class, set, line of the key, key length in bytes.
type Expected = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    KeySet,
    usize,
    usize,
);

const AI: KeySet = KeySet::Ai;
const CLOUD: KeySet = KeySet::Cloud;

#[rustfmt::skip]
const POSITIVES: &[Expected] = &[
    ("anthropic-admin-key.toml", "anthropic-admin-key", "anthropic", "admin", AI, 2, 110),
    ("anthropic-api-key.ts", "anthropic-api-key", "anthropic", "api", AI, 3, 108),
    ("anthropic-oauth-refresh-token.env", "anthropic-oauth-refresh-token", "anthropic", "oauth-refresh", AI, 1, 108),
    ("anthropic-oauth-token.json", "anthropic-oauth-token", "anthropic", "oauth-access", AI, 3, 108),
    ("aws-access-key-id.env", "aws-access-key-id", "aws", "access-key-id", CLOUD, 1, 20),
    ("aws-secret-access-key.ini", "aws-access-key-id", "aws", "access-key-id", CLOUD, 2, 20),
    ("aws-secret-access-key.ini", "aws-secret-access-key", "aws", "secret-access-key", CLOUD, 3, 40),
    ("aws-temporary-access-key-id.json", "aws-temporary-access-key-id", "aws", "temporary-access-key-id", CLOUD, 3, 20),
    ("azure-ad-client-secret.yaml", "azure-ad-client-secret", "azure", "client-secret", CLOUD, 3, 40),
    ("azure-ai-services-key.env", "azure-ai-services-key", "azure-openai", "ai-services", AI, 2, 84),
    ("azure-openai-key.tf", "azure-openai-key", "azure-openai", "api", AI, 4, 32),
    ("azure-storage-account-key.tf", "azure-storage-account-key", "azure", "storage-account-key", CLOUD, 3, 88),
    ("azure-storage-connection-string-key.env", "azure-storage-connection-string-key", "azure", "storage-account-key", CLOUD, 1, 88),
    ("cohere-api-key.yaml", "cohere-api-key", "cohere", "api", AI, 5, 40),
    ("deepseek-api-key.py", "deepseek-api-key", "deepseek", "api", AI, 3, 35),
    ("gcp-service-account-key.json", "gcp-service-account-key", "gcp", "service-account-key", CLOUD, 5, 1008),
    ("github-fine-grained-pat.env", "github-fine-grained-pat", "github", "fine-grained-pat", CLOUD, 1, 93),
    ("github-oauth-token.json", "github-oauth-token", "github", "oauth", CLOUD, 1, 40),
    ("github-pat.yml", "github-pat", "github", "personal-access-token", CLOUD, 7, 40),
    ("github-refresh-token.env", "github-refresh-token", "github", "refresh", CLOUD, 1, 40),
    ("github-server-to-server-token.sh", "github-server-to-server-token", "github", "server-to-server", CLOUD, 1, 40),
    ("github-user-to-server-token.txt", "github-user-to-server-token", "github", "user-to-server", CLOUD, 1, 40),
    ("gitlab-pat.env", "gitlab-pat", "gitlab", "personal-access-token", CLOUD, 1, 26),
    ("google-api-key.js", "google-api-key", "google", "api", AI, 2, 39),
    ("google-oauth-client-secret.json", "google-oauth-client-secret", "google", "oauth-client-secret", CLOUD, 1, 35),
    ("groq-api-key.env", "groq-api-key", "groq", "api", AI, 1, 56),
    ("huggingface-org-token.py", "huggingface-org-token", "huggingface", "org-legacy", AI, 1, 42),
    ("huggingface-token.sh", "huggingface-token", "huggingface", "user-access-token", AI, 2, 37),
    ("mistral-api-key.env", "mistral-api-key", "mistral", "api", AI, 2, 32),
    ("openai-admin-key.env", "openai-admin-key", "openai", "admin", AI, 2, 133),
    ("openai-compatible-api-key.env", "openai-compatible-api-key", "openai-compatible", "api", AI, 2, 35),
    ("openai-key-other.sh", "openai-key-other", "openai", "unclassified", AI, 2, 103),
    ("openai-project-key.py", "openai-project-key", "openai", "project", AI, 4, 164),
    ("openai-service-account-key.yaml", "openai-service-account-key", "openai", "service-account", AI, 12, 167),
    ("openai-user-key-legacy.md", "openai-user-key-legacy", "openai", "legacy-user", AI, 6, 51),
    ("openai-user-key.ipynb", "openai-user-key", "openai", "user", AI, 8, 164),
    ("openrouter-api-key.env", "openrouter-api-key", "openrouter", "api", AI, 1, 73),
    ("pem-dsa-private-key.pem", "pem-dsa-private-key", "pem", "dsa", CLOUD, 1, 868),
    ("pem-ec-private-key.yaml", "pem-ec-private-key", "pem", "ec", CLOUD, 7, 922),
    ("pem-encrypted-private-key.pem", "pem-encrypted-private-key", "pem", "encrypted-pkcs8", CLOUD, 1, 880),
    ("pem-openssh-private-key.txt", "pem-openssh-private-key", "pem", "openssh", CLOUD, 1, 876),
    ("pem-other-private-key.txt", "pem-other-private-key", "pem", "other", CLOUD, 1, 890),
    ("pem-pgp-private-key.asc", "pem-pgp-private-key", "pem", "pgp", CLOUD, 1, 880),
    ("pem-pkcs8-private-key.tf", "pem-pkcs8-private-key", "pem", "pkcs8", CLOUD, 3, 860),
    ("pem-rsa-private-key.pem", "pem-rsa-private-key", "pem", "rsa", CLOUD, 1, 868),
    ("perplexity-api-key.env", "perplexity-api-key", "perplexity", "api", AI, 1, 53),
    ("replicate-api-token.env", "replicate-api-token", "replicate", "api", AI, 1, 40),
    ("slack-app-token.env", "slack-app-token", "slack", "app", CLOUD, 1, 98),
    ("slack-bot-token.py", "slack-bot-token", "slack", "bot", CLOUD, 1, 56),
    ("slack-config-access-token.sh", "slack-config-access-token", "slack", "config-access", CLOUD, 2, 162),
    ("slack-config-refresh-token.env", "slack-config-refresh-token", "slack", "config-refresh", CLOUD, 1, 153),
    ("slack-legacy-token.txt", "slack-legacy-token", "slack", "legacy", CLOUD, 2, 110),
    ("slack-legacy-workspace-token.yaml", "slack-legacy-workspace-token", "slack", "legacy-workspace", CLOUD, 2, 80),
    ("slack-user-token.env", "slack-user-token", "slack", "user", CLOUD, 1, 77),
    ("slack-webhook-url.yaml", "slack-webhook-url", "slack", "webhook", CLOUD, 3, 81),
    ("stripe-restricted-key.env", "stripe-restricted-key", "stripe", "restricted", CLOUD, 1, 107),
    ("stripe-secret-key.rb", "stripe-secret-key", "stripe", "secret", CLOUD, 1, 32),
    ("xai-api-key.env", "xai-api-key", "xai", "api", AI, 1, 84),
];

fn fixture(name: &str) -> String {
    let path = support::root().join("tests/fixtures/secrets").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// The key fixtures, each with its text and the matches it must give.
fn key_fixtures() -> Vec<(&'static str, String, Vec<&'static Expected>)> {
    let files: BTreeSet<&str> = POSITIVES.iter().map(|e| e.0).collect();
    files
        .into_iter()
        .map(|f| {
            let text = fixture(&format!("keys/{f}"));
            let expected = POSITIVES.iter().filter(|e| e.0 == f).collect();
            (f, text, expected)
        })
        .collect()
}

#[test]
fn every_key_fixture_gives_exactly_its_matches() {
    let secrets = support::secrets();
    for (file, text, expected) in key_fixtures() {
        let found = secrets.find_keys(&text);
        assert_eq!(found.len(), expected.len(), "{file}: {found:?}");
        for (m, &&(_, id, provider, class, set, line, len)) in found.iter().zip(&expected) {
            assert_eq!(m.pattern, id, "{file}");
            assert_eq!(
                (m.provider.as_str(), m.class.as_str(), m.set),
                (provider, class, set),
                "{file}"
            );
            assert_eq!(line_of(&text, m.span.start), line, "{file}: {id}");
            assert_eq!(m.span.len(), len, "{file}: {id}");
            let key = &text[m.span.start..m.span.end];
            assert!(m.redacted.contains(&m.fingerprint), "{file}");
            if !key.contains(['\n', '\\']) {
                assert_eq!(m.fingerprint, fingerprint(key), "{file}");
            }
            assert!(!m.redacted.contains(key), "{file}: redaction shows the key");
        }
    }
}

#[test]
fn compiled_secrets_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone>(_: &T) {}
    shareable(&support::secrets());
    assert_eq!(
        serde_json::to_string(&KeySet::Ai).ok().as_deref(),
        Some("\"ai\"")
    );
    assert_eq!(KeySet::Cloud.as_str(), "cloud");
}

#[test]
fn every_catalogue_pattern_has_a_fixture() {
    let covered: BTreeSet<&str> = POSITIVES.iter().map(|e| e.1).collect();
    let catalogue: BTreeSet<String> = support::catalog()
        .patterns
        .into_iter()
        .map(|p| p.id)
        .collect();
    let catalogue: BTreeSet<&str> = catalogue.iter().map(String::as_str).collect();
    assert_eq!(covered, catalogue);
}

#[test]
fn keys_are_found_in_one_long_line_and_after_json_escapes() {
    let secrets = support::secrets();
    let text = fixture("keys/openai-project-key.py");
    let key = secrets.find_keys(&text)[0].span;
    let key = &text[key.start..key.end];

    let minified = format!("{{\"a\":\"b\",\"cfg\":\"x=1\\nKEY={key}\\n\"}}");
    let found = secrets.find_keys(&minified);
    assert_eq!(found.len(), 1);
    assert_eq!(&minified[found[0].span.start..found[0].span.end], key);

    let escaped = format!("\"source\": \"\\n{key}\\n\"");
    assert_eq!(secrets.find_keys(&escaped).len(), 1);
}

#[test]
fn keys_glued_to_longer_tokens_are_not_keys() {
    let secrets = support::secrets();
    let text = fixture("keys/github-pat.yml");
    let span = secrets.find_keys(&text)[0].span;
    let key = &text[span.start..span.end];
    assert!(secrets.find_keys(&format!("x{key}")).is_empty());
    assert!(secrets.find_keys(&format!("{key}Q")).is_empty());
    assert_eq!(secrets.find_keys(&format!("-{key}-")).len(), 1);
}

#[test]
fn placeholders_in_key_positions_never_match() {
    let secrets = support::secrets();
    let text = fixture("placeholders.env");
    let found = secrets.find_keys(&text);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn near_misses_never_match() {
    let secrets = support::secrets();
    let text = fixture("near-misses.txt");
    let found = secrets.find_keys(&text);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn ambiguous_shapes_need_their_context() {
    let secrets = support::secrets();
    let text = fixture("keys/azure-openai-key.tf");
    let span = secrets.find_keys(&text)[0].span;
    let hex = &text[span.start..span.end];

    let far = format!("AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com/\n\n\n\napi_key={hex}\n");
    assert!(secrets.find_keys(&far).is_empty());
    let near = format!("AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com/\n\napi_key={hex}\n");
    assert_eq!(secrets.find_keys(&near)[0].pattern, "azure-openai-key");
    let upper = near.replace(hex, &hex.to_ascii_uppercase());
    assert_eq!(secrets.find_keys(&upper)[0].pattern, "azure-openai-key");
    // Near the name but assigned to something else: an id, a checksum.
    for name in ["AZURE_OPENAI_TRACE_ID=", "checksum=", "deployment: "] {
        let text = format!("AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com/\n{name}{hex}\n");
        assert!(secrets.find_keys(&text).is_empty(), "{name}");
    }

    // B10: a Mistral model name beside a request id is no Mistral key.
    let mistral = fixture("keys/mistral-api-key.env");
    let span = secrets.find_keys(&mistral)[0].span;
    let token = &mistral[span.start..span.end];
    let model = format!("model: mistral-large-latest\nrequest_id: {token}\n");
    assert!(secrets.find_keys(&model).is_empty());
    let key = format!("model: mistral-large-latest\napiKey: \"{token}\"\n");
    assert_eq!(secrets.find_keys(&key)[0].pattern, "mistral-api-key");

    let aws = fixture("keys/aws-secret-access-key.ini");
    let secret = secrets.find_keys(&aws)[1].span;
    let secret = &aws[secret.start..secret.end];
    assert!(
        secrets
            .find_keys(&format!("signature = {secret}\n"))
            .is_empty()
    );
    assert_eq!(
        secrets.find_keys(&format!("AWS_SECRET_ACCESS_KEY={secret}\n"))[0].pattern,
        "aws-secret-access-key"
    );
    // B9: in a provider block, with the region line between.
    let provider = format!(
        "provider \"aws\" {{\n  region     = \"us-east-1\"\n  secret_key = \"{secret}\"\n}}\n"
    );
    assert_eq!(
        secrets.find_keys(&provider)[0].pattern,
        "aws-secret-access-key"
    );
}

#[test]
fn placeholder_forms_are_placeholders() {
    let secrets = support::secrets();
    let placeholders = [
        "",
        "  ",
        "abc",
        "${OPENAI_API_KEY}",
        "$(OPENAI_API_KEY)",
        "{{ .Values.apiKey }}",
        "${{ secrets.OPENAI_API_KEY }}",
        "os.environ/OPENAI_API_KEY",
        "os.environ['OPENAI_API_KEY']",
        "var.openai_api_key",
        "local.key",
        "<your-key>",
        "<OPENAI_API_KEY>",
        "sk-...",
        "sk-xxxx",
        "sk-xxxxxxxx",
        "changeme",
        "CHANGEME",
        "dummy",
        "example",
        "your_api_key_here",
        "YOUR-API-KEY",
        "aaaaaaaa",
        "12345678",
        "abcdefgh",
        "87654321",
        "FAKEFAKEFAKEFAKE",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "!Ref DbPassword",
        "\"${DB_PASSWORD}\"",
        "'changeme'",
        "$DB_PASSWORD",
        "%DB_PASSWORD%",
        "null",
        "true",
        "random_string.password.result",
        "{{resolve:ssm-secure:/db/password:1}}",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "/run/secrets/db",
        "./secrets/openai.key",
        "sk-proj-********",
        "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "op://vault/openai/credential",
        "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/k)",
        "value2",
        "foo",
        "changeit",
        "vault:secret/data/openai#key",
        "ref+vault://secret/openai#/key",
        "$$REDIS_PASSWORD",
        "<<-EOT",
        "${DB_PASSWORD:-}",
        "${DB_PASSWORD:-${FALLBACK}}",
        "postgres://app:${DB_PASSWORD}@${DB_HOST}/app",
    ];
    for p in placeholders {
        assert!(secrets.is_placeholder(p), "{p:?} should be a placeholder");
    }
}

#[test]
fn real_looking_values_are_not_placeholders() {
    let secrets = support::secrets();
    for v in [
        "hunter2!",
        "Xq7vL2pR9sT4",
        "correct-horse-battery-staple",
        "Aa123456!",
        "k8s-goat-9f3c",
        "Password_1234",
        // B13: a literal beside a reference is still written in the file
        "${DB_PASSWORD:-Xq7vL2pR9sT4}",
        "postgres://app:Xq7vL2pR9s@${DB_HOST}/app",
        "redis://:Xq7vL2pR9s@${REDIS_HOST}:6379",
    ] {
        assert!(!secrets.is_placeholder(v), "{v:?} is not a placeholder");
    }
    for (file, text, _) in key_fixtures() {
        for m in secrets.find_keys(&text) {
            let key = &text[m.span.start..m.span.end];
            assert!(
                !secrets.is_placeholder(key),
                "{file}: fixture key taken for a placeholder"
            );
        }
    }
}

#[test]
fn secret_like_names() {
    let secrets = support::secrets();
    let secret = [
        "OPENAI_API_KEY",
        "openaiApiKey",
        "ANTHROPIC_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASSWORD",
        "password",
        "PASSWD",
        "GITHUB_TOKEN",
        "client_secret",
        "--api-key",
        "SECRET_KEY_BASE",
        "private_key",
        "STRIPE_KEY",
        "MYSQL_ROOT_PASSWORD",
        "apiKey",
        "x-api-key",
        "SLACK_BOT_TOKEN",
        "credentials",
        "AZURE_STORAGE_CONNECTION_STRING",
        "HF_TOKEN",
        "auth",
        // B13: short forms and words run together
        "PGPASSWORD",
        "DB_PASS",
        "REDIS_PASS",
        "SMTP_PASS",
        "RABBITMQ_DEFAULT_PASS",
        "POSTGRES_PW",
        "WEBPASSWORD",
        "ADMINPASSWORD",
        "AUTHTOKEN",
        "ACCESSTOKEN",
        "SECRETKEY",
        "PRIVATEKEY",
        "PASSWORD1",
        "GITHUB_PAT",
        "DBPassword",
        "requirepass",
    ];
    for n in secret {
        assert!(secrets.is_secret_name(n), "{n:?} should be secret-like");
    }
    let not_secret = [
        "AWS_ACCESS_KEY_ID",
        "PASSWORD_FILE",
        "max_tokens",
        "MAX_TOKENS",
        "public_key",
        "KMS_KEY_ID",
        "hash_key",
        "secretKeyRef",
        "TOKEN_URL",
        "key",
        "name",
        "SECRET_NAME",
        "topologyKey",
        "ParameterKey",
        "S3Key",
        "api_key_header",
        "OPENAI_BASE_URL",
        "token_limit",
        "key_name",
        "secretName",
        "private_key_path",
        "",
        "credentials_validity_in_ms",
        // B11: KMS keys and SSM parameter names with acronyms run together
        "SecretsManagerDomainCredentialsSecretsKMSKey",
        "EBSKMSKey",
        "SSMKey",
        "pass_through",
        "NextToken",
    ];
    for n in not_secret {
        assert!(
            !secrets.is_secret_name(n),
            "{n:?} should not be secret-like"
        );
    }
}

#[test]
fn secret_looking_values() {
    let secrets = support::secrets();
    let secret = [
        "Xq7vL2pR9sT4wZ8b",
        "k8s-goat-cf658c56a501385205cc6d2dafee8fc1",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        "postgres://app:Xq7vL2pR9s@db.internal:5432/app",
        "https://api.fake.test/v1?api_key=Q7vL2pR9sT4wX8zB",
        "\"Xq7vL2pR9sT4wZ8b\"",
    ];
    for v in secret {
        assert!(
            secrets.looks_like_secret_value(v),
            "{v:?} should look like a secret"
        );
    }
    let not_secret = [
        "${OPENAI_API_KEY}",
        "changeme",
        "true",
        "8080",
        "1.2.3",
        "v2.14.0",
        "30s",
        "2026-12-03",
        "https://api.openai.com/v1",
        "postgres://app@db.internal:5432/app",
        "/run/secrets/openai",
        "mysecretpassword",
        "short1",
        "arn:aws:secretsmanager:eu-west-1:1:secret:x",
        "aaaaaaaaaaaaaaaa",
        "0123456789abcdef",
        "api.internal.fake",
        "my-secret-name",
        "Hello World with spaces",
        "MySecretPassword",
        "ops@fake.test",
        "registry.fake/app/api",
        "postgres://app:${DB_PASSWORD}@db/app",
    ];
    for v in not_secret {
        assert!(
            !secrets.looks_like_secret_value(v),
            "{v:?} should not look like a secret"
        );
    }
}

#[test]
fn redaction_format_and_fingerprint() {
    let text = fixture("keys/openai-project-key.py");
    let secrets = support::secrets();
    let m = &secrets.find_keys(&text)[0];
    let key = &text[m.span.start..m.span.end];
    let fp = fingerprint(key);
    assert_eq!(m.redacted, format!("sk-proj-…(164 chars, #{fp})"));
    assert_eq!(redact_key(key, Some("sk-proj-")), m.redacted);

    assert_eq!(fp.len(), 6);
    assert!(
        fp.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    // A key's fingerprint is the start of its SHA-256: the same in every run,
    // so merged reports of several runs match one key.
    assert_eq!(&digest(key)[..6], fp);
    // A7: any other value shows its length only; nothing printed is derived from it.
    assert_eq!(secrets.redact_value("\"Aa1234321Bb\""), "…(11 chars)");

    let pem = fixture("keys/pem-rsa-private-key.pem");
    let m = &secrets.find_keys(&pem)[0];
    assert!(
        m.redacted
            .starts_with("-----BEGIN RSA PRIVATE KEY-----…(868 chars, #")
    );
}

#[test]
fn a_pem_block_has_one_fingerprint_however_it_is_written() {
    let secrets = support::secrets();
    let pem = fixture("keys/pem-rsa-private-key.pem");
    let plain = secrets.find_keys(&pem)[0].redacted.clone();
    let block: String = pem.lines().map(|l| format!("    {l}\r\n")).collect();
    let yaml = format!("stringData:\n  tls.key: |\n{block}");
    let json = format!("{{\"key\": \"{}\"}}", pem.trim_end().replace('\n', "\\n"));
    assert_eq!(secrets.find_keys(&yaml)[0].redacted, plain);
    assert_eq!(secrets.find_keys(&json)[0].redacted, plain);
    assert_eq!(secrets.redact_text(&yaml).matches(&plain).count(), 1);
}

#[test]
fn one_key_in_two_files_has_one_fingerprint() {
    let secrets = support::secrets();
    let a = fixture("keys/anthropic-api-key.ts");
    let key = secrets.find_keys(&a)[0].span;
    let key = &a[key.start..key.end];
    let b = format!("ANTHROPIC_API_KEY={key}\n");
    assert_eq!(
        secrets.find_keys(&a)[0].fingerprint,
        secrets.find_keys(&b)[0].fingerprint
    );
    assert_eq!(
        secrets.find_keys(&a)[0].redacted,
        secrets.find_keys(&b)[0].redacted
    );
}

#[test]
fn no_invented_key_survives_redact_text() {
    let secrets = support::secrets();
    for (file, text, _) in key_fixtures() {
        let redacted = secrets.redact_text(&text);
        for m in secrets.find_keys(&text) {
            let key = &text[m.span.start..m.span.end];
            assert!(!redacted.contains(key), "{file}: key survives redaction");
            assert!(redacted.contains(&m.redacted), "{file}: {}", m.redacted);
            // No 12-character piece of the secret part survives either.
            let body: Vec<char> = key
                .chars()
                .skip(12)
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            for piece in body.chunks_exact(12) {
                let piece: String = piece.iter().collect();
                assert!(
                    !redacted.contains(&piece),
                    "{file}: part of the key survives"
                );
            }
        }
        assert!(
            secrets.find_keys(&redacted).is_empty(),
            "{file}: {redacted}"
        );
    }
}

#[test]
fn redact_text_hides_values_under_secret_names() {
    let secrets = support::secrets();
    let cases = [
        ("DB_PASSWORD=hunter2!", "DB_PASSWORD=", "hunter2!"),
        ("  password: \"s3cr3t-pw\"", "  password: \"", "s3cr3t-pw"),
        (
            "{\"apiKey\": \"Q7vL2pR9sT4\"}",
            "{\"apiKey\": \"",
            "Q7vL2pR9sT4",
        ),
        (
            "ENV OPENAI_API_KEY Q7vL2pR9sT4w",
            "ENV OPENAI_API_KEY ",
            "Q7vL2pR9sT4w",
        ),
        (
            "- name: API_TOKEN\n  value: Q7vL2pR9sT4w",
            "  value: ",
            "Q7vL2pR9sT4w",
        ),
        (
            "run --api-key Q7vL2pR9sT4w now",
            "run --api-key ",
            "Q7vL2pR9sT4w",
        ),
        (
            "url: postgres://app:Pw9xQ2z@db/app",
            "postgres://app:",
            "Pw9xQ2z",
        ),
        (
            "-H 'Authorization: Bearer Q7vL2pR9sT4wX8zB1c'",
            "Bearer ",
            "Q7vL2pR9sT4wX8zB1c",
        ),
        // A6: forms that once showed a password in a snippet.
        ("mysql -uroot -pQ7vL2pR9 app", "-p", "Q7vL2pR9"),
        ("<password>Q7vL2pR9</password>", "<password>", "Q7vL2pR9"),
        (
            "define('DB_PASSWORD', 'Q7vL2pR9');",
            "define('DB_PASSWORD', '",
            "Q7vL2pR9",
        ),
        ("curl -u admin:Q7vL2pR9 https://h", "admin:", "Q7vL2pR9"),
        ("redis-cli -h cache -a Q7vL2pR9", "-a ", "Q7vL2pR9"),
        ("PGPASSWORD=Q7vL2pR9 psql", "PGPASSWORD=", "Q7vL2pR9"),
        ("DB_PASSWORD Q7vL2pR9", "DB_PASSWORD ", "Q7vL2pR9"),
        (
            "token Q7vL2pR9sT4wX8zB1cD5eF",
            "token ",
            "Q7vL2pR9sT4wX8zB1cD5eF",
        ),
        (
            "REDIS_URL=redis://:Q7vL2pR9@cache:6379",
            "redis://:",
            "Q7vL2pR9",
        ),
        (
            "args: [\"--password\", \"Q7vL2pR9\"]",
            "\"--password\", \"",
            "Q7vL2pR9",
        ),
        (
            "X_API_URL=https://x.blob.core.windows.net/c?sv=1&sig=Q7vL2pR9sT4",
            "sig=",
            "Q7vL2pR9sT4",
        ),
    ];
    for (line, kept, secret) in cases {
        let out = secrets.redact_text(line);
        // Not a key of a known shape: its length only, nothing derived from it.
        let expected = format!("…({} chars)", secret.chars().count());
        assert!(!out.contains(secret), "{line:?} → {out:?}");
        assert!(
            out.contains(kept) && out.contains(&expected),
            "{line:?} → {out:?}"
        );
    }
}

#[test]
fn redact_text_leaves_placeholders_and_plain_settings() {
    let secrets = support::secrets();
    for line in [
        "DB_PASSWORD=${DB_PASSWORD}",
        "password: \"{{resolve:secretsmanager:prod/db:SecretString:password}}\"",
        "token = try(each.value.token, null)",
        "admin_password = random_string.password.result",
        "api_key = os.environ[\"OPENAI_API_KEY\"]",
        "replicas: 3",
        "image: nginx:1.27",
        "OPENAI_BASE_URL=https://api.openai.com/v1",
    ] {
        assert_eq!(secrets.redact_text(line), line);
    }
    let text = fixture("placeholders.env");
    let changed: Vec<&str> = text
        .lines()
        .filter(|l| secrets.redact_text(l) != *l)
        .collect();
    // The connection string's first field is hidden because the variable is secret-like.
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].starts_with("AZURE_STORAGE_CONNECTION_STRING="));
}

#[test]
fn standalone_random_tokens_are_hidden_in_file_text_but_names_are_not() {
    let secrets = support::secrets();
    let text = "OPENAI_API_KEY=x\nJDUFAKEpQrKd4W6Udw7wq8Vt2x9Zp4Lm\n\
        BucketNotificationsHandler050a0587b7544547bf325f094a3db834:\n\
        image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\
        role: MyFunctionServiceRole3C357FF2AB12\n\
        sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
    let spans = secrets.standalone_spans(text);
    let hidden: Vec<&str> = spans.iter().map(|s| &text[s.range.clone()]).collect();
    assert_eq!(hidden, ["JDUFAKEpQrKd4W6Udw7wq8Vt2x9Zp4Lm"]);
    // Names in messages go through redact_text, which leaves such tokens alone.
    assert_eq!(
        secrets.redact_text("JDUFAKEpQrKd4W6Udw7wq8Vt2x9Zp4Lm"),
        "JDUFAKEpQrKd4W6Udw7wq8Vt2x9Zp4Lm"
    );
}

#[test]
fn redact_text_with_hides_known_spans() {
    let secrets = support::secrets();
    let text = "variable \"db_password\" {\n  default = \"plain-but-secret\"\n}\n";
    let start = text.find("plain").unwrap_or(0);
    let span = vouch::source::Span::new(start, start + "plain-but-secret".len());
    let out = secrets.redact_text_with(text, &[span]);
    assert!(!out.contains("plain-but-secret"));
    assert!(out.contains("\"…(16 chars)\""), "{out}");
}

#[test]
fn catalogue_errors_name_what_is_wrong() {
    let mut c = support::catalog();
    c.patterns[3].regex = "sk-(".into();
    let id = c.patterns[3].id.clone();
    let err = Secrets::compile(&c).err().unwrap_or_default();
    assert!(err.starts_with(&format!("pattern {id}: regex")), "{err}");

    let mut c = support::catalog();
    c.patterns[1].id = c.patterns[0].id.clone();
    let err = Secrets::compile(&c).err().unwrap_or_default();
    assert_eq!(err, format!("pattern {}: id used twice", c.patterns[0].id));

    let mut c = support::catalog();
    let i = c
        .patterns
        .iter()
        .position(|p| p.near.is_some())
        .unwrap_or(0);
    if let Some(near) = c.patterns[i].near.as_mut() {
        near.regex = "(".into();
    }
    let err = Secrets::compile(&c).err().unwrap_or_default();
    assert!(
        err.starts_with(&format!("pattern {}: near", c.patterns[i].id)),
        "{err}"
    );

    let mut c = support::catalog();
    c.assignments.push("(?P<name>x)=y".into());
    let err = Secrets::compile(&c).err().unwrap_or_default();
    assert!(err.ends_with("no `value` group"), "{err}");

    let mut json = serde_json::json!({"patterns": [], "surprise": 1});
    if let Some(obj) = json.as_object_mut() {
        obj.insert("secret_names".into(), serde_json::json!({"include": []}));
    }
    let err = serde_json::from_value::<vouch::secrets::SecretCatalog>(json)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("unknown field `surprise`"), "{err}");
}
