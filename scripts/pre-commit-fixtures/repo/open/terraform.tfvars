# Public website assets live here.
acl = "public-read"
