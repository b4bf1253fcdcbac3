// POST /v1/me/verification-email
import Transcriptor

API.run(ResendVerificationRoute.self)
