import type { RecordedAwsCall } from "./aws-call-recorder.js";

/**
 * Just enough of IAM's identity-policy evaluation to replay recorded AWS calls against the roles a
 * synthesized CDK template gives its functions: Allow and Deny statements, `*`/`?` wildcards in
 * actions (case-insensitive) and resources, with the template's intrinsics resolved to fixed fake
 * ARNs. A statement with a Condition, NotAction or NotResource is not understood: it never allows,
 * and the caller is told about it.
 */

export const FAKE = { partition: "aws", region: "eu-west-1", account: "123456789012" } as const;

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** What an AWS call needs IAM to allow: one action on one resource ARN. */
export interface IamRequest {
  action: string;
  resource: string;
}

export interface PolicyStatement {
  effect: "Allow" | "Deny";
  actions: string[];
  resources: string[];
  /** Why the statement can never allow here (a condition, NotAction, …). */
  unsupported?: string;
}

/** Fixed fake values for the intrinsics CDK templates use in IAM policies. */
export function resolveArn(template: CfnTemplate, value: unknown): string {
  if (typeof value === "string") return value;
  const o = (value ?? {}) as Record<string, unknown>;
  if (typeof o.Ref === "string") {
    const ref = o.Ref;
    if (ref === "AWS::Partition") return FAKE.partition;
    if (ref === "AWS::Region") return FAKE.region;
    if (ref === "AWS::AccountId") return FAKE.account;
    if (ref === "AWS::URLSuffix") return "amazonaws.com";
    const type = template.Resources[ref]?.Type;
    if (type === "AWS::S3::Bucket") return bucketName(ref);
    if (type === "AWS::SQS::Queue") return `https://sqs.${FAKE.region}.amazonaws.com/${FAKE.account}/${ref}`;
    throw new Error(`no fake value for Ref ${ref} (${type})`);
  }
  if (Array.isArray(o["Fn::GetAtt"])) {
    const [id, attribute] = o["Fn::GetAtt"] as [string, string];
    const type = template.Resources[id]?.Type;
    if (type === "AWS::S3::Bucket" && attribute === "Arn") return `arn:aws:s3:::${bucketName(id)}`;
    if (type === "AWS::SQS::Queue" && attribute === "Arn") return queueArn(id);
    if (type === "AWS::SQS::Queue" && attribute === "QueueName") return id;
    if (type === "AWS::Lambda::Function" && attribute === "Arn") return functionArn(id);
    return `arn:aws:fake:${FAKE.region}:${FAKE.account}:${id}/${attribute}`;
  }
  if (Array.isArray(o["Fn::Join"])) {
    const [separator, parts] = o["Fn::Join"] as [string, unknown[]];
    return parts.map((p) => resolveArn(template, p)).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

export const bucketName = (logicalId: string) => `bucket-${logicalId.toLowerCase()}`;
export const queueArn = (logicalId: string) => `arn:aws:sqs:${FAKE.region}:${FAKE.account}:${logicalId}`;
export const functionArn = (logicalId: string) =>
  `arn:aws:lambda:${FAKE.region}:${FAKE.account}:function:${logicalId}`;

/** Every statement of the identity policies attached to a function's execution role. */
export function roleStatements(template: CfnTemplate, functionLogicalId: string): PolicyStatement[] {
  const fn = template.Resources[functionLogicalId];
  const role = (fn?.Properties?.Role as { "Fn::GetAtt"?: [string, string] } | undefined)?.["Fn::GetAtt"]?.[0];
  if (!role) throw new Error(`function ${functionLogicalId} has no role in this template`);
  const documents: unknown[] = [];
  for (const resource of Object.values(template.Resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === "AWS::IAM::Policy") {
      const roles = (p.Roles ?? []) as { Ref?: string }[];
      if (roles.some((r) => r.Ref === role)) documents.push(p.PolicyDocument);
    }
  }
  const roleProps = template.Resources[role]?.Properties ?? {};
  for (const inline of (roleProps.Policies ?? []) as { PolicyDocument: unknown }[]) {
    documents.push(inline.PolicyDocument);
  }
  return documents.flatMap((doc) =>
    ((doc as { Statement: Record<string, unknown>[] }).Statement ?? []).map((s) => toStatement(template, s)),
  );
}

function toStatement(template: CfnTemplate, s: Record<string, unknown>): PolicyStatement {
  const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const unsupported = s.Condition
    ? "has a Condition"
    : s.NotAction
      ? "uses NotAction"
      : s.NotResource
        ? "uses NotResource"
        : undefined;
  return {
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: list(s.Action).map(String),
    resources: list(s.Resource).map((r) => resolveArn(template, r)),
    ...(unsupported ? { unsupported } : {}),
  };
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** The statements that allow `request`; empty when it is denied or not allowed at all. */
export function allowingStatements(statements: PolicyStatement[], request: IamRequest): PolicyStatement[] {
  const matches = (s: PolicyStatement) =>
    s.actions.some((a) => wildcardMatch(a, request.action, true)) &&
    s.resources.some((r) => wildcardMatch(r, request.resource));
  if (statements.some((s) => s.effect === "Deny" && matches(s))) return [];
  return statements.filter((s) => s.effect === "Allow" && !s.unsupported && matches(s));
}

/**
 * The IAM action(s) and resource(s) an SDK call needs. `queueArnOf` maps a queue URL or name as
 * the code saw it to the ARN of the template's queue it stands for; `bucketArnOf` and
 * `functionArnOf` likewise. Throws for an operation it does not know, so a new kind of call
 * cannot slip past the test.
 */
export function iamRequestsFor(
  call: RecordedAwsCall,
  resolve: {
    bucketArnOf(bucket: string): string;
    queueArnOf(urlOrName: string): string;
    functionArnOf?(nameOrArn: string): string;
  },
): IamRequest[] {
  const { service, operation, input } = call;
  const object = () => `${resolve.bucketArnOf(need(input.Bucket, "Bucket"))}/${need(input.Key, "Key")}`;
  const bucket = () => resolve.bucketArnOf(need(input.Bucket, "Bucket"));
  const queue = () => resolve.queueArnOf(need(input.QueueUrl ?? input.QueueName, "QueueUrl"));
  const one = (action: string, resource: string) => [{ action, resource }];
  if (service === "S3") {
    switch (operation) {
      case "GetObject":
      case "HeadObject":
        // For a missing key S3 answers 404 only to a caller that may list the bucket, else 403,
        // which the code would take for an error instead of "absent".
        return call.outcome === "not-found"
          ? [
              { action: "s3:GetObject", resource: object() },
              { action: "s3:ListBucket", resource: bucket() },
            ]
          : one("s3:GetObject", object());
      case "PutObject":
      case "CreateMultipartUpload":
      case "UploadPart":
      case "CompleteMultipartUpload":
        return one("s3:PutObject", object());
      case "AbortMultipartUpload":
        return one("s3:AbortMultipartUpload", object());
      case "ListParts":
        return one("s3:ListMultipartUploadParts", object());
      case "DeleteObject":
        return one("s3:DeleteObject", object());
      case "DeleteObjects":
        return (input.Keys ?? []).map((key) => ({
          action: "s3:DeleteObject",
          resource: `${bucket()}/${key}`,
        }));
      case "ListObjectsV2":
      case "ListObjects":
      case "HeadBucket":
        return one("s3:ListBucket", bucket());
    }
  }
  if (service === "SQS") {
    const actions: Record<string, string> = {
      SendMessage: "sqs:SendMessage",
      SendMessageBatch: "sqs:SendMessage",
      ReceiveMessage: "sqs:ReceiveMessage",
      DeleteMessage: "sqs:DeleteMessage",
      DeleteMessageBatch: "sqs:DeleteMessage",
      ChangeMessageVisibility: "sqs:ChangeMessageVisibility",
      ChangeMessageVisibilityBatch: "sqs:ChangeMessageVisibility",
      GetQueueAttributes: "sqs:GetQueueAttributes",
      GetQueueUrl: "sqs:GetQueueUrl",
    };
    const action = actions[operation];
    if (action) return one(action, queue());
  }
  if (service === "CloudWatch" && operation === "GetMetricData") return one("cloudwatch:GetMetricData", "*");
  if (service === "Lambda" && operation === "Invoke") {
    const name = need(input.FunctionName, "FunctionName");
    if (!resolve.functionArnOf) throw new Error(`no function resolver for an invocation of ${name}`);
    return one("lambda:InvokeFunction", resolve.functionArnOf(name));
  }
  throw new Error(`no IAM mapping for ${service}.${operation}: add it to iamRequestsFor`);
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`recorded call has no ${what}`);
  return value;
}
