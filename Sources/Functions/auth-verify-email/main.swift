// POST /v1/auth/verify-email
import Transcriptor

API.run(VerifyEmailRoute.self)
