// POST /v1/auth/forgot-password
import Transcriptor

API.run(ForgotPasswordRoute.self)
