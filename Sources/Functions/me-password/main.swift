// POST /v1/me/password
import Transcriptor

API.run(ChangePasswordRoute.self)
