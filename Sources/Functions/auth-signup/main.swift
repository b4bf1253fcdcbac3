// POST /v1/auth/signup
import Transcriptor

API.run(SignupRoute.self)
