variable "pab" {
  type = bool
}

resource "aws_s3_bucket" "claims" {
  bucket = "claims-archive"
}

resource "aws_s3_bucket_public_access_block" "claims" {
  bucket                  = aws_s3_bucket.claims.id
  block_public_acls       = var.pab
  block_public_policy     = var.pab
  ignore_public_acls      = var.pab
  restrict_public_buckets = var.pab
}
