// GET /v1/api-keys
import Transcriptor

API.run(ListAPIKeysRoute.self)
