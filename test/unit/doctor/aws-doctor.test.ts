import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../../infra/settings.js";
import {
  type DoctorCheck,
  formatDoctorReport,
  runAwsDoctor,
  runLocalDoctor,
} from "../../../local/aws-doctor.js";
import { type CannedResponse, cannedRequestHandler } from "../../support/canned-aws.js";

/**
 * `videocraft doctor --aws` against canned AWS answers: the real SDK clients serialise, sign and
 * parse (XML for STS and CloudFormation, JSON for Lambda), their HTTP handler answers from the
 * wire responses in fixtures/ (shaped as the services' API references document them), and no call
 * leaves the machine. The container engine is a script on PATH that answers or fails like docker.
 */
const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const xml = (status: number, body: string): CannedResponse => ({
  status,
  headers: { "content-type": "text/xml" },
  body,
});
const json = (status: number, body: string): CannedResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body,
});

let bin: string;
let fixtures: Record<string, string>;

beforeAll(async () => {
  bin = await mkdtemp(path.join(tmpdir(), "vc-doctor-"));
  fixtures = Object.fromEntries(
    await Promise.all(
      [
        "sts-get-caller-identity.xml",
        "sts-expired-token.xml",
        "cfn-describe-stacks-cdktoolkit.xml",
        "cfn-stack-does-not-exist.xml",
        "lambda-account-settings.json",
        "lambda-account-settings-new-account.json",
      ].map(async (f) => [f, await fixture(f)] as const),
    ),
  );
});
afterAll(async () => {
  if (bin) await rm(bin, { recursive: true, force: true });
});

/** A directory holding one fake engine program (docker, podman, …) that prints or fails. */
async function engine(name: string, script: string): Promise<string> {
  const dir = await mkdtemp(path.join(bin, `${name}-`));
  await writeFile(path.join(dir, name), `#!/bin/sh\n${script}\n`);
  await chmod(path.join(dir, name), 0o755);
  return dir;
}

function doctor(o: {
  sts: CannedResponse;
  cfn?: CannedResponse;
  lambda?: CannedResponse;
  settings?: Record<string, unknown>;
  pathDir: string;
  env?: Record<string, string>;
  region?: string;
}) {
  const credentials = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" };
  const region =
    o.region === undefined ? "eu-west-1" : async () => Promise.reject(new Error("Region is missing"));
  const answer = (canned: CannedResponse | undefined) => () => {
    if (!canned) throw new Error("unexpected call");
    return canned;
  };
  const sts = cannedRequestHandler(answer(o.sts));
  const cfn = cannedRequestHandler(answer(o.cfn));
  const lambda = cannedRequestHandler(answer(o.lambda));
  const clients = {
    sts: new STSClient({ region, credentials, requestHandler: sts.handler }),
    cloudformation: new CloudFormationClient({ region, credentials, requestHandler: cfn.handler }),
    lambda: new LambdaClient({ region, credentials, requestHandler: lambda.handler }),
  };
  const result = runAwsDoctor({
    ...clients,
    settings: parseSettings(o.settings ?? {}),
    env: { PATH: o.pathDir, ...o.env },
    hostArch: "x64",
  });
  return { result, requests: { sts: sts.requests, cfn: cfn.requests, lambda: lambda.requests } };
}

const byName = (checks: DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe("videocraft doctor --aws", () => {
  it("says ready on a bootstrapped account with quota and a running docker, after read-only calls", async () => {
    const docker = await engine("docker", 'echo "27.3.1"');
    const { result, requests } = doctor({
      sts: xml(200, fixtures["sts-get-caller-identity.xml"] as string),
      cfn: xml(200, fixtures["cfn-describe-stacks-cdktoolkit.xml"] as string),
      lambda: json(200, fixtures["lambda-account-settings.json"] as string),
      pathDir: docker,
    });
    const checks = await result;
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["region", "ok"],
      ["credentials", "ok"],
      ["CDK bootstrap", "ok"],
      ["Lambda concurrency", "ok"],
      ["container engine", "ok"],
    ]);
    const c = byName(checks);
    expect(c.credentials?.detail).toBe("arn:aws:iam::123456789012:user/deployer (account 123456789012)");
    expect(c["CDK bootstrap"]?.detail).toBe("CDKToolkit version 29 (UPDATE_COMPLETE)");
    expect(c["Lambda concurrency"]?.detail).toBe("account limit 1000, unreserved 1000; nothing reserved");
    expect(c["container engine"]?.detail).toBe("docker 27.3.1");
    const report = formatDoctorReport(checks);
    expect(report.ready).toBe(true);
    expect(report.text).toMatch(/Verdict: ready to deploy: npx cdk deploy$/);

    // What went over the (canned) wire: one signed call each, all reads.
    expect(requests.sts).toHaveLength(1);
    expect(requests.sts[0]?.body).toContain("Action=GetCallerIdentity");
    expect(requests.sts[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/eu-west-1\/sts\//,
    );
    expect(requests.cfn[0]?.body).toContain("Action=DescribeStacks");
    expect(requests.cfn[0]?.body).toContain("StackName=CDKToolkit");
    expect(requests.lambda[0]).toMatchObject({ method: "GET", path: "/2016-08-19/account-settings" });
  });

  it("fails a reservation a new account (quota 10) cannot make, with the quota rule and both fixes", async () => {
    const docker = await engine("docker", 'echo "27.3.1"');
    const { result } = doctor({
      sts: xml(200, fixtures["sts-get-caller-identity.xml"] as string),
      cfn: xml(200, fixtures["cfn-describe-stacks-cdktoolkit.xml"] as string),
      lambda: json(200, fixtures["lambda-account-settings-new-account.json"] as string),
      settings: { renderReservedConcurrency: 20, renderMaxConcurrency: 10 },
      pathDir: docker,
    });
    const checks = await result;
    const concurrency = byName(checks)["Lambda concurrency"];
    expect(concurrency).toMatchObject({ status: "fail" });
    expect(concurrency?.detail).toContain("reserving 20 for rendering would leave -10 unreserved");
    expect(concurrency?.detail).toContain("at least 100");
    expect(concurrency?.fix).toContain("-c renderReservedConcurrency=0");
    expect(concurrency?.fix).toContain("L-B99A9384");
    expect(formatDoctorReport(checks)).toMatchObject({ ready: false });
  });

  it("warns when the queues may start more renders than a small account runs at once", async () => {
    const docker = await engine("docker", 'echo "27.3.1"');
    const { result } = doctor({
      sts: xml(200, fixtures["sts-get-caller-identity.xml"] as string),
      cfn: xml(200, fixtures["cfn-describe-stacks-cdktoolkit.xml"] as string),
      lambda: json(200, fixtures["lambda-account-settings-new-account.json"] as string),
      pathDir: docker,
    });
    const checks = await result;
    const c = byName(checks);
    expect(c["Lambda concurrency"]).toMatchObject({
      status: "ok",
      detail: "account limit 10, unreserved 10; nothing reserved",
    });
    expect(c["render throughput"]).toMatchObject({ status: "warn" });
    expect(c["render throughput"]?.detail).toContain("may start 20 renders at once");
    expect(c["render throughput"]?.fix).toContain("-c renderMaxConcurrency=2");
    const report = formatDoctorReport(checks);
    expect(report.ready).toBe(true);
    expect(report.text).toContain("ready to deploy (1 warning)");
  });

  it("fails an account without the CDK bootstrap stack, naming the bootstrap command", async () => {
    const docker = await engine("docker", 'echo "27.3.1"');
    const { result } = doctor({
      sts: xml(200, fixtures["sts-get-caller-identity.xml"] as string),
      cfn: xml(400, fixtures["cfn-stack-does-not-exist.xml"] as string),
      lambda: json(200, fixtures["lambda-account-settings.json"] as string),
      pathDir: docker,
    });
    const bootstrap = byName(await result)["CDK bootstrap"];
    expect(bootstrap).toEqual({
      name: "CDK bootstrap",
      status: "fail",
      detail: "no CDKToolkit stack in eu-west-1",
      fix: "npx cdk bootstrap aws://123456789012/eu-west-1",
    });
  });

  it("fails expired credentials and skips the checks that need them", async () => {
    const docker = await engine("docker", 'echo "27.3.1"');
    const { result, requests } = doctor({
      sts: xml(403, fixtures["sts-expired-token.xml"] as string),
      pathDir: docker,
    });
    const c = byName(await result);
    expect(c.credentials).toMatchObject({ status: "fail" });
    expect(c.credentials?.detail).toContain("ExpiredToken");
    expect(c.credentials?.fix).toContain("aws sso login");
    expect(c["CDK bootstrap"]?.status).toBe("skip");
    expect(c["Lambda concurrency"]?.status).toBe("skip");
    expect(requests.cfn).toEqual([]);
    expect(requests.lambda).toEqual([]);
  });

  it("fails without a region", async () => {
    const docker = await engine("docker", 'echo "27.3.1"');
    const { result, requests } = doctor({ sts: xml(500, ""), pathDir: docker, region: "" });
    const c = byName(await result);
    expect(c.region).toMatchObject({ status: "fail" });
    expect(c.region?.fix).toContain("AWS_REGION");
    expect(requests.sts).toEqual([]);
  });

  it("checks the container engine CDK builds the render image with", async () => {
    const sts = xml(403, fixtures["sts-expired-token.xml"] as string);
    const engineCheck = async (pathDir: string, env: Record<string, string> = {}) =>
      byName(await doctor({ sts, pathDir, env }).result)["container engine"];

    expect(await engineCheck(await engine("unrelated", "true"))).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("no docker, podman or finch on PATH"),
    });
    const down = await engine(
      "docker",
      'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
    );
    expect(await engineCheck(down)).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("docker is not answering: Cannot connect to the Docker daemon"),
      fix: expect.stringContaining("start docker"),
    });
    const podman = await engine("podman", 'echo "5.2.2"');
    expect(await engineCheck(podman)).toMatchObject({ status: "fail", fix: "export CDK_DOCKER=podman" });
    expect(await engineCheck(podman, { CDK_DOCKER: "podman" })).toMatchObject({
      status: "ok",
      detail: "podman 5.2.2",
    });
  });
});

describe("videocraft doctor (this machine)", () => {
  it("finds ffmpeg and ffprobe on PATH, or says how to install them", async () => {
    const both = await engine("ffmpeg", "true");
    await writeFile(path.join(both, "ffprobe"), "#!/bin/sh\ntrue\n");
    await chmod(path.join(both, "ffprobe"), 0o755);
    expect((await runLocalDoctor({ PATH: both })).map((c) => [c.name, c.status])).toEqual([
      ["node", "ok"],
      ["ffmpeg", "ok"],
      ["ffprobe", "ok"],
    ]);
    const none = byName(await runLocalDoctor({ PATH: await engine("unrelated", "true") }));
    expect(none.ffmpeg).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("ensure-system-deps.sh"),
    });
  });
});
