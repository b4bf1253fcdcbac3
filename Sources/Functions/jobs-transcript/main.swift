// GET /v1/jobs/{id}/transcript
import Transcriptor

API.run(TranscriptRoute.self)
