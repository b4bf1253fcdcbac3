// The failures queue: dead letters and destination records → the job failed with its reason.
import Runtime
import Transcriptor

Lambda.run { try FailuresFunction() }
