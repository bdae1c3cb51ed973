import { Duration, RemovalPolicy, Size, Stack, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { CORS_ALLOW_HEADERS, CORS_MAX_AGE_SECONDS } from "../functions/api/cors-headers.js";
import { BEARER_AUTHORIZER_SOURCE } from "./bearer-authorizer-code.js";
import { retainedLogGroup, ServiceFunction } from "./service-function.js";

export interface ApiProps {
  /** Settings the handler reads through `loadConfig`; the stack adds bucket and queue. */
  readonly environment: Record<string, string>;
  readonly memoryMb: number;
  /** Per API key (usage plan). */
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly quotaPerDay: number;
  readonly corsOrigins: readonly string[];
  readonly logRetention: logs.RetentionDays;
  /** X-Ray: the stage and both functions. */
  readonly tracing: boolean;
}

/** API Gateway stops waiting for a Lambda integration after this long. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;
/**
 * Below the integration timeout with room for a cold start, so a request that runs too long ends
 * as a function timeout (logged, counted by the Errors alarm) instead of running on after API
 * Gateway has already answered 504. The dry run's probing stops well before (PROBE_DEADLINE_MS).
 */
export const API_FUNCTION_TIMEOUT_SECONDS = 25;

/** Where the API function finds the built studio: `studio/` beside its code in /var/task. */
export const STUDIO_DIR = "/var/task/studio";

/** SPEC §4 base paths: `/v1`, and `/api/v1` for VideoCraft's clients. */
export const API_BASE_PATHS = ["v1", "api/v1"] as const;

const STAGE_NAME = "prod";

/** Keyed methods share this; anonymous traffic (health checks) is capped separately. */
const STAGE_RATE_LIMIT = 100;
const STAGE_BURST_LIMIT = 200;
const HEALTH_RATE_LIMIT = 5;
const HEALTH_BURST_LIMIT = 10;

/**
 * REST API → one Node.js Lambda (the same handler local mode serves).
 *
 * Auth: every method except `GET …/health` needs an API key, sent as `x-api-key` or
 * `Authorization: Bearer`. API Gateway only reads keys from `x-api-key` by itself, so the API's key
 * source is AUTHORIZER and a tiny request authorizer passes whichever header was sent as the usage
 * identifier; API Gateway still validates the key and enforces the usage plan. Chosen over "Bearer
 * only when x-api-key carries the same value" because that would not accept Bearer at all.
 */
export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  readonly handler: lambda.Function;
  readonly authorizerFunction: lambda.Function;
  readonly apiKey: apigw.IApiKey;
  readonly accessLogGroup: logs.LogGroup;
  readonly executionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.handler = new ServiceFunction(this, "Handler", {
      description: "VideoCraft HTTP API",
      code: {
        kind: "node-entry",
        entry: "functions/api/handler.ts",
        handler: "handler",
        // The studio's page, script and style (and the example requests) travel next to the handler;
        // the function serves them from STUDIO_DIR and never runs esbuild itself.
        afterBundling: (inputDir, outputDir) => [
          `cd "${inputDir}" && node_modules/.bin/tsx local/build-studio.ts "${outputDir}/studio"`,
        ],
      },
      // Pure JavaScript bundle: Graviton is cheaper per GB-second and needs no other change.
      architecture: lambda.Architecture.ARM_64,
      memoryMb: props.memoryMb,
      timeout: Duration.seconds(API_FUNCTION_TIMEOUT_SECONDS),
      environment: { VIDEOCRAFT_STUDIO_DIR: STUDIO_DIR, ...props.environment },
      logRetention: props.logRetention,
      tracing: props.tracing,
    }).function;

    this.authorizerFunction = new ServiceFunction(this, "BearerAuthorizer", {
      description: "VideoCraft: passes the x-api-key or Bearer key to API Gateway's key check",
      code: { kind: "inline", source: BEARER_AUTHORIZER_SOURCE, handler: "index.handler" },
      architecture: lambda.Architecture.ARM_64,
      memoryMb: 128,
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      tracing: props.tracing,
    }).function;
    const authorizer = new apigw.RequestAuthorizer(this, "Authorizer", {
      handler: this.authorizerFunction,
      // No identity sources and no cache: either of two headers may carry the key, and API Gateway
      // answers 401 without calling the authorizer when a listed identity source is missing.
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    this.accessLogGroup = retainedLogGroup(this, "AccessLogs", props.logRetention);

    const corsOrigins = [...props.corsOrigins];
    this.restApi = new apigw.RestApi(this, "RestApi", {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: "VideoCraft: JSON scenes to narrated MP4",
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      // Access logs need API Gateway's account-level CloudWatch role; CDK creates it (and retains it
      // on destroy, since other APIs in the account rely on the same setting).
      cloudWatchRole: true,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The studio's script is ~430 kB, ~140 kB gzipped; JSON answers shrink too.
      minCompressionSize: Size.kibibytes(1),
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: props.tracing,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Bodies carry source URLs and webhook secrets: never log them.
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: STAGE_RATE_LIMIT,
        throttlingBurstLimit: STAGE_BURST_LIMIT,
        // Health checks need no key, so nothing else limits what anonymous callers make the Lambda cost.
        methodOptions: Object.fromEntries(
          [...API_BASE_PATHS.map((base) => `/${base}/health/GET`), "/studio/GET", "/studio/{proxy+}/GET"].map(
            (method) => [
              method,
              { throttlingRateLimit: HEALTH_RATE_LIMIT, throttlingBurstLimit: HEALTH_BURST_LIMIT },
            ],
          ),
        ),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: corsOrigins,
        allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
        // The same list the handler's preflight answers with locally.
        allowHeaders: [...CORS_ALLOW_HEADERS],
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
    });

    // The stack exports the URL as ApiUrl; RestApi's own unnamed Endpoint output would repeat it.
    this.restApi.node.tryRemoveChild("Endpoint");

    // With method logging on, API Gateway writes to this group by name and would create it itself,
    // kept forever and left behind by `cdk destroy`. Created first (the stage depends on it), it has
    // the stack's retention and goes with the stack.
    this.executionLogGroup = new logs.LogGroup(this, "ExecutionLogs", {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${STAGE_NAME}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogGroup);

    const integration = new apigw.LambdaIntegration(this.handler, { proxy: true });
    const keyed: apigw.MethodOptions = { authorizer, apiKeyRequired: true };
    for (const base of API_BASE_PATHS) {
      const resource = this.restApi.root.resourceForPath(base);
      resource.addResource("health").addMethod("GET", integration, {
        authorizationType: apigw.AuthorizationType.NONE,
        apiKeyRequired: false,
      });
      resource.addResource("{proxy+}").addMethod("ANY", integration, keyed);
    }
    // The studio's page and assets are static and public (the page asks for the key before it
    // calls anything); the browser cannot send a key when it loads them.
    const studio = this.restApi.root.addResource("studio");
    const open: apigw.MethodOptions = {
      authorizationType: apigw.AuthorizationType.NONE,
      apiKeyRequired: false,
    };
    studio.addMethod("GET", integration, open);
    studio.addResource("{proxy+}").addMethod("GET", integration, open);

    const apiKey = this.restApi.addApiKey("DefaultKey", {
      description: "VideoCraft default key; read its value with the ApiKeyValueCommand stack output",
    });
    this.apiKey = apiKey;
    const plan = this.restApi.addUsagePlan("UsagePlan", {
      description: "Per-key throttle and daily quota",
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      quota: { limit: props.quotaPerDay, period: apigw.Period.DAY },
    });
    plan.addApiKey(apiKey);
    plan.addApiStage({ stage: this.restApi.deploymentStage });

    addErrorEnvelopes(this.restApi, corsOrigins);

    Validations.of(this.restApi).acknowledge(
      {
        id: "AwsSolutions-APIG2",
        reason:
          "The API Lambda validates every body against the zod request schema and reports all problems with JSON paths (SPEC §3); an API Gateway model would answer first, with one message and a different shape.",
      },
      {
        id: "AwsSolutions-APIG3",
        reason:
          "No WAF web ACL by default (about $5+/month): every keyed method is throttled and quota-limited per key by the usage plan, and the stage caps anonymous traffic.",
      },
      {
        id: "AwsSolutions-APIG4",
        reason:
          "Only GET /v1/health and /api/v1/health (status and version, no data), GET /studio and /studio/{proxy+} (the studio's static page, script and style; the page asks for the key before it calls the API) and the CORS preflight OPTIONS methods are open, each throttled like health; all other methods use the Bearer/x-api-key authorizer plus a required API key.",
      },
      {
        id: "AwsSolutions-COG4",
        reason:
          "Clients are machines holding API keys (SPEC §4), not Cognito users; keys are checked by API Gateway against the usage plan.",
      },
      {
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason:
          "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's account-level logging role; it only writes to log groups.",
      },
    );
  }

  /** `https://<id>.execute-api.<region>.amazonaws.com/prod/` */
  get url(): string {
    return this.restApi.url;
  }
}

/** Never the Authorization or x-api-key header: keys stay out of logs; the key id is enough. */
const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  method: "$context.httpMethod",
  path: "$context.path",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  apiKeyId: "$context.identity.apiKeyId",
  principal: "$context.authorizer.principalId",
  authorizerError: "$context.authorizer.error",
  error: "$context.error.message",
};

/**
 * Errors API Gateway answers itself (missing/unknown key, throttling, unknown path) get the same
 * envelope as the handler's (SPEC §4), CORS headers so browsers can read them, and a Retry-After on 429.
 */
function addErrorEnvelopes(api: apigw.RestApi, corsOrigins: readonly string[]) {
  // A gateway response cannot pick one origin from a list per request; the first allowed origin is
  // the one browsers see on these gateway-made errors.
  const origin = corsOrigins.includes("*") ? "*" : (corsOrigins[0] ?? "*");
  const cors = { "Access-Control-Allow-Origin": `'${origin}'` };
  const envelope = (code: string, message: string) => ({
    "application/json": `{"error":{"code":"${code}","message":"${message}","request_id":"$context.requestId"}}`,
  });
  const responses: [string, apigw.GatewayResponseOptions][] = [
    [
      "MissingKey",
      {
        type: apigw.ResponseType.UNAUTHORIZED,
        statusCode: "401",
        responseHeaders: { ...cors, "WWW-Authenticate": `'Bearer realm="videocraft"'` },
        templates: envelope("UNAUTHORIZED", "an API key is required (x-api-key or Authorization: Bearer)"),
      },
    ],
    [
      "InvalidKey",
      {
        type: apigw.ResponseType.INVALID_API_KEY,
        statusCode: "401",
        responseHeaders: { ...cors, "WWW-Authenticate": `'Bearer realm="videocraft"'` },
        templates: envelope("UNAUTHORIZED", "the API key is not valid"),
      },
    ],
    [
      "Throttled",
      {
        type: apigw.ResponseType.THROTTLED,
        statusCode: "429",
        responseHeaders: { ...cors, "Retry-After": "'1'" },
        templates: envelope("RATE_LIMITED", "too many requests for this API key; retry after a second"),
      },
    ],
    [
      "QuotaExceeded",
      {
        type: apigw.ResponseType.QUOTA_EXCEEDED,
        statusCode: "429",
        // Daily quotas reset at 00:00 UTC; an hour is a polite upper bound for a client to wait.
        responseHeaders: { ...cors, "Retry-After": "'3600'" },
        templates: envelope("RATE_LIMITED", "the daily request quota of this API key is used up"),
      },
    ],
    [
      "TooLarge",
      {
        type: apigw.ResponseType.REQUEST_TOO_LARGE,
        statusCode: "413",
        responseHeaders: cors,
        templates: envelope("PAYLOAD_TOO_LARGE", "the request body is too large"),
      },
    ],
    [
      // API Gateway's answer for a path or method no resource matches.
      "NoRoute",
      {
        type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        statusCode: "404",
        responseHeaders: cors,
        templates: envelope("NOT_FOUND", "no such route; the API lives under /v1"),
      },
    ],
    [
      "Default5xx",
      {
        type: apigw.ResponseType.DEFAULT_5XX,
        responseHeaders: cors,
        templates: envelope("INTERNAL", "internal error"),
      },
    ],
    ["Default4xx", { type: apigw.ResponseType.DEFAULT_4XX, responseHeaders: cors }],
  ];
  for (const [id, options] of responses) api.addGatewayResponse(id, options);
}
