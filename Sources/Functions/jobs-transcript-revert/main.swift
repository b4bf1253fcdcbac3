// POST /v1/jobs/{id}/transcript/revert
import Transcriptor

API.run(RevertTranscriptRoute.self)
