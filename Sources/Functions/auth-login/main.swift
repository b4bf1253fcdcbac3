// POST /v1/auth/login
import Transcriptor

API.run(LoginRoute.self)
