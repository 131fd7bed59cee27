//! Which KMS key a key reference names: a customer-managed key, the
//! AWS-managed key of a service (`alias/aws/s3`, `alias/aws/es`), or one
//! that cannot be known offline (rules.md, "AWS-managed keys").

use crate::{StandsFor, Value, ValueKind};

/// What a key reference (`kms_master_key_id`, `KMSMasterKeyID`,
/// `kms_key_id`, `KmsKeyId`) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Customer,
    AwsManaged,
    Unknown,
}

/// Whether a key id, ARN or alias names an AWS-managed key: the alias
/// name `alias/aws/...` or an alias ARN `arn:aws:kms:...:alias/aws/...`.
/// AWS reserves the `alias/aws/` prefix for its managed keys, and no
/// customer alias can point at one of them.
pub fn is_aws_managed_alias(text: &str) -> bool {
    text.starts_with("alias/aws/") || text.contains(":alias/aws/")
}

pub(crate) fn key(value: &Value) -> Key {
    match &value.kind {
        ValueKind::String(s) if s.is_empty() || is_aws_managed_alias(s) => Key::AwsManaged,
        ValueKind::String(_) => Key::Customer,
        ValueKind::Unknown(u) => {
            // A data source read for an `alias/aws/...`, or a string built
            // around unknown parts (`!Sub
            // "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/s3"`)
            // whose known text holds the reserved alias: whatever the
            // region and account are, the key is AWS-managed.
            let managed = matches!(u.stands_for.as_deref(), Some(StandsFor::AwsManagedKey(_)))
                || u.known_text.as_deref().is_some_and(is_aws_managed_alias);
            if managed {
                Key::AwsManaged
            } else if u.computed {
                // A key created in this configuration.
                Key::Customer
            } else {
                Key::Unknown
            }
        }
        _ => Key::AwsManaged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    #[test]
    fn aws_managed_aliases() {
        let s = |t: &str| key(&Value::string(t, Span::default()));
        assert_eq!(s("alias/aws/s3"), Key::AwsManaged);
        assert_eq!(
            s("arn:aws:kms:us-east-1:111122223333:alias/aws/es"),
            Key::AwsManaged
        );
        assert_eq!(s("alias/phi-records"), Key::Customer);
        assert_eq!(
            s("arn:aws:kms:us-east-1:111122223333:key/1234abcd"),
            Key::Customer
        );
        let partly = Value::partly_known(
            "AWS::Region",
            "arn:aws:kms:::alias/aws/s3".into(),
            Span::default(),
        );
        assert_eq!(key(&partly), Key::AwsManaged);
        let data = Value::unknown("read from AWS", Span::default())
            .standing_for(StandsFor::AwsManagedKey("alias/aws/s3".into()));
        assert_eq!(key(&data), Key::AwsManaged);
        assert_eq!(
            key(&Value::unknown("var.key", Span::default())),
            Key::Unknown
        );
        assert_eq!(
            key(&Value::computed("aws_kms_key.k.arn", Span::default())),
            Key::Customer
        );
    }
}
