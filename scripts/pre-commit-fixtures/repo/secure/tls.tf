# The only policy that denies requests over plain HTTP.
resource "aws_s3_bucket_policy" "scans" {
  bucket = aws_s3_bucket.scans.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.scans.arn, "${aws_s3_bucket.scans.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
