resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read"
}
