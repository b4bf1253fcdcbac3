// POST /v1/auth/reset-password
import Transcriptor

API.run(ResetPasswordRoute.self)
