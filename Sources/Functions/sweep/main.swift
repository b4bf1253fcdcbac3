// The scheduled sweep: expired uploads and stalled jobs → failed.
import Runtime
import Transcriptor

Lambda.run { try SweepFunction() }
