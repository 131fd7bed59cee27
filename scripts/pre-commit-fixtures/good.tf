# A bucket for PHI that passes every phiguard rule.
resource "aws_kms_key" "records" {
  description         = "patient records"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
}

resource "aws_s3_bucket_public_access_block" "records" {
  bucket                  = aws_s3_bucket.records.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "records" {
  bucket = aws_s3_bucket.records.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.records.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = aws_s3_bucket.records.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "records" {
  bucket        = aws_s3_bucket.records.id
  target_bucket = "central-access-logs"
  target_prefix = "patient-records/"
}

resource "aws_s3_bucket_replication_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  role   = "arn:aws:iam::111122223333:role/replication"
  rule {
    id     = "all"
    status = "Enabled"
    destination {
      bucket = "arn:aws:s3:::patient-records-replica"
    }
  }
}

resource "aws_s3_bucket_policy" "records" {
  bucket = aws_s3_bucket.records.id
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyInsecureTransport",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "arn:aws:s3:::patient-records",
            "arn:aws:s3:::patient-records/*"
          ],
          "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }
      ]
    }
  POLICY
}
