#!/bin/sh
# The image's entry point. Lambda runs it with the function's CMD (ImageConfig.Command: the handler,
# e.g. handler.handler) as its arguments and sets no _HANDLER for container images, while
# aws-lambda-ric 4 reads the handler from _HANDLER only; so pass it on, as the entry point of AWS's
# own base images does.
set -eu
export _HANDLER="$1"
exec node "${LAMBDA_TASK_ROOT}/node_modules/aws-lambda-ric/index.mjs"
