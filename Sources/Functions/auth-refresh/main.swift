// POST /v1/auth/refresh
import Transcriptor

API.run(RefreshRoute.self)
