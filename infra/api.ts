import { Duration, RemovalPolicy, Size, Stack, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { CORS_ALLOW_HEADERS, CORS_MAX_AGE_SECONDS } from "../functions/api/cors-headers.js";
import type { RouteDefinition } from "../functions/api/define-route.js";
import { API_ROUTES } from "../functions/api/route-list.js";
import { STREAMED_DOWNLOAD_ROUTES } from "../functions/download/streamed-routes.js";
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

/** Base paths: `/v1`, and `/api/v1` so VideoCraft's existing clients work unchanged. */
export const API_BASE_PATHS = ["v1", "api/v1"] as const;

/**
 * The download function streams a video of at most Lambda's 200 MB streamed response; past the
 * first 6 MB (Lambda) and 10 MB (API Gateway) both send at most 2 MB/s, so a 200 MB video takes
 * about 100 s. Five minutes leaves room for slower clients (a stream waits for its reader) and is
 * API Gateway's idle timeout for a regional endpoint's stream.
 */
export const DOWNLOAD_FUNCTION_TIMEOUT_SECONDS = 300;

const STAGE_NAME = "prod";

/** Keyed methods share this; anonymous traffic (health checks) is capped separately. */
const STAGE_RATE_LIMIT = 100;
const STAGE_BURST_LIMIT = 200;
const ANONYMOUS_RATE_LIMIT = 5;
const ANONYMOUS_BURST_LIMIT = 10;

/** Each public method's own cap: nothing else limits what anonymous callers make the Lambda cost. */
const ANONYMOUS_METHOD_OPTIONS = {
  throttlingRateLimit: ANONYMOUS_RATE_LIMIT,
  throttlingBurstLimit: ANONYMOUS_BURST_LIMIT,
  // A method's own settings replace the stage-wide ones, so these are repeated.
  loggingLevel: apigw.MethodLoggingLevel.ERROR,
  metricsEnabled: true,
} as const;

/** One HTTP method on one path the handler serves. */
interface ServedPath {
  readonly route: RouteDefinition;
  readonly method: string;
  readonly path: string;
}

/** Every (method, path) of the route list, aliases included. */
const SERVED_PATHS: readonly ServedPath[] = API_ROUTES.flatMap((route) =>
  [route.path, ...route.aliases].map((path) => ({ route, method: route.method, path })),
);

/**
 * REST API → one Node.js Lambda (the same handler local mode serves), and VideoCraft's download
 * routes → a small streaming function, so they answer with the MP4 itself.
 *
 * Routes come from the handler's own route list (functions/api/route-list.ts): every route marked
 * public gets its own open method; everything else needs an API key and reaches the handler
 * through a greedy `{proxy+}` under `/v1` and `/api/v1` (or its own keyed method elsewhere). So a
 * route added to the list is routed here with the auth it declares; test/infra/api-routes checks it.
 *
 * Auth: keyed methods take the key as `x-api-key` or `Authorization: Bearer` (on `/api/v1/…` also
 * VideoCraft's forms). API Gateway only reads keys from `x-api-key` by itself, so the API's key
 * source is AUTHORIZER and a tiny request authorizer passes whichever form was sent as the usage
 * identifier; API Gateway still validates the key and enforces the usage plan. Chosen over "Bearer
 * only when x-api-key carries the same value" because that would not accept Bearer at all.
 */
export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  readonly handler: lambda.Function;
  /** Serves the streamed download routes (functions/download). */
  readonly downloadFunction: lambda.Function;
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

    this.downloadFunction = new ServiceFunction(this, "DownloadStream", {
      description: "VideoCraft: streams the MP4 of VideoCraft's download routes through API Gateway",
      code: { kind: "node-entry", entry: "functions/download/handler.ts", handler: "handler" },
      architecture: lambda.Architecture.ARM_64,
      // It only copies bytes from S3 to the response stream; the bundle is the API's.
      memoryMb: 512,
      timeout: Duration.seconds(DOWNLOAD_FUNCTION_TIMEOUT_SECONDS),
      environment: props.environment,
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
        // The root cannot be named here (CDK needs a path part); it is added to the stage below.
        methodOptions: Object.fromEntries(
          SERVED_PATHS.filter((p) => p.route.public && p.path !== "/").map((p) => [
            `${p.path}/${p.method}`,
            ANONYMOUS_METHOD_OPTIONS,
          ]),
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

    this.routeRequests(authorizer);

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
          "The API Lambda validates every body against the zod request schema and reports all problems at once with JSON paths; an API Gateway model would answer first, with one message and a different shape.",
      },
      {
        id: "AwsSolutions-APIG3",
        reason:
          "No WAF web ACL by default (about $5+/month): every keyed method is throttled and quota-limited per key by the usage plan, and the stage caps anonymous traffic.",
      },
      {
        id: "AwsSolutions-APIG4",
        reason:
          "Only the routes the handler marks public are open (health and readiness probes, the route listing, the OpenAPI document, VideoCraft's CSRF token and its aggregate /metrics: no job, video or key data; the studio's static page and assets, which ask for the key before they call anything), each throttled to a few requests a second, plus the CORS preflight OPTIONS methods; all other methods use the key authorizer plus a required API key.",
      },
      {
        id: "AwsSolutions-COG4",
        reason:
          "Clients are machines holding API keys, not Cognito users; keys are checked by API Gateway against the usage plan.",
      },
      {
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason:
          "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's account-level logging role; it only writes to log groups.",
      },
    );
  }

  /**
   * Methods for every route of the list. Public routes and streamed ones get their own resource;
   * keyed routes under a base path reach the handler through its `{proxy+}`. Every resource made
   * here also forwards its other methods (keyed) to the handler, so no request relies on API
   * Gateway falling back from a matched resource without the method to a wider `{proxy+}`:
   * `GET /api/v1/videos` lands on the resource `/api/v1/videos/{id}` needs, and is served there.
   */
  private routeRequests(authorizer: apigw.IAuthorizer): void {
    // One permission per function for the whole API: a statement per method would grow the
    // functions' resource policies toward Lambda's 20 KB limit as routes are added.
    const buffered = new apigw.LambdaIntegration(this.handler, {
      proxy: true,
      scopePermissionToMethod: false,
    });
    const streamed = new apigw.LambdaIntegration(this.downloadFunction, {
      proxy: true,
      scopePermissionToMethod: false,
      responseTransferMode: apigw.ResponseTransferMode.STREAM,
      // A streamed integration may run past the buffered 29 s, up to 15 minutes.
      timeout: Duration.seconds(DOWNLOAD_FUNCTION_TIMEOUT_SECONDS),
    });
    const keyed: apigw.MethodOptions = { authorizer, apiKeyRequired: true };
    const open: apigw.MethodOptions = {
      authorizationType: apigw.AuthorizationType.NONE,
      apiKeyRequired: false,
    };
    const root = this.restApi.root;
    const bases = new Set<apigw.IResource>([root]);
    for (const base of API_BASE_PATHS) {
      const resource = root.resourceForPath(base);
      for (let r: apigw.IResource | undefined = resource; r; r = r.parentResource) bases.add(r);
      resource.addResource("{proxy+}").addMethod("ANY", buffered, keyed);
    }
    const isStreamed = new Set(STREAMED_DOWNLOAD_ROUTES);
    const underProxy = (path: string) => API_BASE_PATHS.some((base) => path.startsWith(`/${base}/`));
    const routed = new Set<apigw.IResource>();
    for (const { route, method, path } of SERVED_PATHS) {
      const streams = isStreamed.has(route);
      if (!route.public && !streams && underProxy(path)) continue;
      const resource = path === "/" ? root : root.resourceForPath(path.slice(1));
      resource.addMethod(method, streams ? streamed : buffered, route.public ? open : keyed);
      for (let r: apigw.IResource | undefined = resource; r && !bases.has(r); r = r.parentResource) {
        routed.add(r);
      }
    }
    for (const resource of routed) resource.addMethod("ANY", buffered, keyed);

    const stage = this.restApi.deploymentStage.node.defaultChild as apigw.CfnStage;
    const settings = [stage.methodSettings ?? []].flat() as apigw.CfnStage.MethodSettingProperty[];
    const rootMethods = SERVED_PATHS.filter((p) => p.route.public && p.path === "/");
    stage.methodSettings = [
      ...settings,
      ...rootMethods.map((p) => ({
        resourcePath: "/",
        httpMethod: p.method,
        ...ANONYMOUS_METHOD_OPTIONS,
        dataTraceEnabled: false,
      })),
    ];
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
 * Errors API Gateway answers itself (missing/unknown key, throttling, unknown path) get the same envelope as
 * the handler's (`{error: {code, message}}`, so a client parses one shape), CORS headers so browsers can read
 * them, and a Retry-After on 429.
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
