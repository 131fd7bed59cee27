module "letters" {
  source = "../modules/bucket"
  name   = "patient-letters"
  acl    = "private"
}
