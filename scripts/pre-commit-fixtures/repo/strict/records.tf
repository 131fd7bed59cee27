variable "acl" {
  type = string
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = var.acl
}

resource "aws_s3_bucket_public_access_block" "records" {
  bucket                  = aws_s3_bucket.records.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
