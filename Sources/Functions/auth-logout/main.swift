// POST /v1/auth/logout
import Transcriptor

API.run(LogoutRoute.self)
