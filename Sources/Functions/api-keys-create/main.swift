// POST /v1/api-keys
import Transcriptor

API.run(CreateAPIKeyRoute.self)
