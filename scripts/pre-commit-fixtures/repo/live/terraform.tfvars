pab = true
