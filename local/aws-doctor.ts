import { execFile } from "node:child_process";
import { access, constants, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { type CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetAccountSettingsCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { REPO_ROOT } from "../infra/repo-root.js";
import { parseSettings, RENDER_EVENT_SOURCES, SETTING_KEYS, type Settings } from "../infra/settings.js";

const run = promisify(execFile);

/** One line of the preflight: what was checked, what was found, and how to fix a problem. */
export interface DoctorCheck {
  name: string;
  status: "ok" | "warn" | "fail" | "skip";
  detail: string;
  fix?: string;
}

export interface AwsDoctorDeps {
  sts: STSClient;
  cloudformation: CloudFormationClient;
  lambda: LambdaClient;
  /** The deployment settings `cdk deploy` would use (cdk.json plus -c overrides). */
  settings: Settings;
  /** PATH, CDK_DOCKER. */
  env: Record<string, string | undefined>;
  /** The bootstrap stack's name (`cdk bootstrap --toolkit-stack-name`). */
  toolkitStackName?: string;
  /** This machine's CPU architecture, for the image build. */
  hostArch?: string;
}

/** The oldest bootstrap stack the CDK's default synthesizer deploys with. */
export const MIN_BOOTSTRAP_VERSION = 6;
/** Lambda refuses a reservation that would leave fewer unreserved executions in the account. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
/** Concurrent executions left for the API (and its authorizer) when the render queues are busy. */
const API_HEADROOM = 2;
/** The dead-letter function's two event sources, two at a time each (infra/videocraft-stack.ts). */
const DEAD_LETTER_CONCURRENCY = 2 * 2;
const QUOTA_FIX =
  "request a higher 'Concurrent executions' quota: Service Quotas console → AWS Lambda → Concurrent executions " +
  "(code L-B99A9384), or `aws service-quotas request-service-quota-increase --service-code lambda " +
  "--quota-code L-B99A9384 --desired-value 1000`";

/**
 * Checks what `cdk deploy` of this stack needs from an account and this machine, in order; a
 * check that needs credentials is skipped when they are missing. Makes read-only calls only:
 * sts:GetCallerIdentity, cloudformation:DescribeStacks, lambda:GetAccountSettings.
 */
export async function runAwsDoctor(deps: AwsDoctorDeps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const region = await regionCheck(deps, checks);
  const account = region ? await credentialsCheck(deps, checks) : undefined;
  if (!region) checks.push({ name: "credentials", status: "skip", detail: "needs a region" });
  if (region && account) {
    checks.push(await bootstrapCheck(deps, account, region));
    checks.push(...(await concurrencyChecks(deps)));
  } else {
    for (const name of ["CDK bootstrap", "Lambda concurrency"]) {
      checks.push({ name, status: "skip", detail: "needs a region and working credentials" });
    }
  }
  checks.push(await containerEngineCheck(deps));
  return checks;
}

async function regionCheck(deps: AwsDoctorDeps, checks: DoctorCheck[]): Promise<string | undefined> {
  const region = await deps.sts.config.region().catch(() => undefined);
  if (region) {
    checks.push({ name: "region", status: "ok", detail: region });
    return region;
  }
  checks.push({
    name: "region",
    status: "fail",
    detail: "no AWS region is configured",
    fix: "set AWS_REGION (e.g. `export AWS_REGION=eu-west-1`) or `aws configure set region eu-west-1`",
  });
  return undefined;
}

async function credentialsCheck(deps: AwsDoctorDeps, checks: DoctorCheck[]): Promise<string | undefined> {
  try {
    const me = await deps.sts.send(new GetCallerIdentityCommand({}));
    checks.push({ name: "credentials", status: "ok", detail: `${me.Arn} (account ${me.Account})` });
    return me.Account;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    const expired = /Expired/i.test(e.name ?? "") || /expired/i.test(e.message ?? "");
    checks.push({
      name: "credentials",
      status: "fail",
      detail: `${e.name ?? "error"}: ${e.message ?? String(err)}`,
      fix: expired
        ? "the session has expired: `aws sso login` (or refresh the temporary credentials)"
        : "configure credentials: `aws configure`, `aws sso login --profile <name>` with AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
    });
    return undefined;
  }
}

async function bootstrapCheck(deps: AwsDoctorDeps, account: string, region: string): Promise<DoctorCheck> {
  const stackName = deps.toolkitStackName ?? "CDKToolkit";
  const fix = `npx cdk bootstrap aws://${account}/${region}`;
  try {
    const out = await deps.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    const status = stack?.StackStatus ?? "UNKNOWN";
    if (
      !/_COMPLETE$/.test(status) ||
      /^(DELETE|ROLLBACK)_COMPLETE$/.test(status) ||
      status.includes("FAILED")
    ) {
      return { name: "CDK bootstrap", status: "fail", detail: `${stackName} is ${status}`, fix };
    }
    const version = Number(stack?.Outputs?.find((o) => o.OutputKey === "BootstrapVersion")?.OutputValue);
    if (!Number.isFinite(version) || version < MIN_BOOTSTRAP_VERSION) {
      return {
        name: "CDK bootstrap",
        status: "fail",
        detail: `${stackName} has bootstrap version ${Number.isFinite(version) ? version : "unknown"}; the stack needs ${MIN_BOOTSTRAP_VERSION} or later`,
        fix: `${fix} (upgrades the bootstrap stack in place)`,
      };
    }
    return { name: "CDK bootstrap", status: "ok", detail: `${stackName} version ${version} (${status})` };
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (/does not exist/.test(e.message ?? "")) {
      return { name: "CDK bootstrap", status: "fail", detail: `no ${stackName} stack in ${region}`, fix };
    }
    return { name: "CDK bootstrap", status: "fail", detail: `${e.name}: ${e.message}`, fix };
  }
}

async function concurrencyChecks(deps: AwsDoctorDeps): Promise<DoctorCheck[]> {
  const s = deps.settings;
  let limit: number;
  let unreserved: number;
  try {
    const out = await deps.lambda.send(new GetAccountSettingsCommand({}));
    limit = out.AccountLimit?.ConcurrentExecutions ?? 0;
    unreserved = out.AccountLimit?.UnreservedConcurrentExecutions ?? 0;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    return [{ name: "Lambda concurrency", status: "fail", detail: `${e.name}: ${e.message}` }];
  }
  const checks: DoctorCheck[] = [];
  const account = `account limit ${limit}, unreserved ${unreserved}`;
  const reserved = s.renderReservedConcurrency;
  if (reserved > 0 && unreserved - reserved < MIN_UNRESERVED_CONCURRENCY) {
    checks.push({
      name: "Lambda concurrency",
      status: "fail",
      detail: `${account}: reserving ${reserved} for rendering would leave ${unreserved - reserved} unreserved, and Lambda keeps at least ${MIN_UNRESERVED_CONCURRENCY}`,
      fix: `deploy with -c renderReservedConcurrency=0 (no reservation), or ${QUOTA_FIX}`,
    });
  } else {
    checks.push({
      name: "Lambda concurrency",
      status: "ok",
      detail:
        reserved > 0
          ? `${account}; reserving ${reserved} for rendering leaves ${unreserved - reserved}`
          : `${account}; nothing reserved`,
    });
  }
  const renders = RENDER_EVENT_SOURCES * s.renderMaxConcurrency;
  const available =
    (reserved > 0 ? reserved : limit) - (reserved > 0 ? 0 : API_HEADROOM + DEAD_LETTER_CONCURRENCY);
  if (renders > available) {
    const fits = Math.max(2, Math.floor(available / RENDER_EVENT_SOURCES));
    checks.push({
      name: "render throughput",
      status: "warn",
      detail: `the render and assembly queues may start ${renders} renders at once (2 × renderMaxConcurrency ${s.renderMaxConcurrency}), more than the ${available} executions left for them: the rest are throttled and retried, and a job retried too often is dead-lettered`,
      fix: `deploy with -c renderMaxConcurrency=${fits}, or ${QUOTA_FIX}`,
    });
  }
  return checks;
}

const ENGINES = ["docker", "podman", "finch"] as const;

/** CDK builds the render image with `docker`, or the program CDK_DOCKER names (podman, finch, …). */
async function containerEngineCheck(deps: AwsDoctorDeps): Promise<DoctorCheck> {
  const name = "container engine";
  const chosen = deps.env.CDK_DOCKER;
  const found = chosen ? [chosen] : await onPath(ENGINES, deps.env.PATH);
  const engine = found[0];
  if (!engine) {
    return {
      name,
      status: "fail",
      detail: "no docker, podman or finch on PATH; `cdk deploy` builds the render image with one",
      fix: "install Docker (or Podman/Finch and set CDK_DOCKER=podman|finch)",
    };
  }
  if (!chosen && engine !== "docker") {
    return {
      name,
      status: "fail",
      detail: `${engine} is installed but the CDK calls \`docker\``,
      fix: `export CDK_DOCKER=${engine}`,
    };
  }
  let version: string;
  try {
    const { stdout } = await run(engine, ["version", "--format", "{{.Server.Version}}"], {
      env: deps.env as NodeJS.ProcessEnv,
      timeout: 15_000,
    });
    version = stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    return {
      name,
      status: "fail",
      detail: `${engine} is not answering: ${(e.stderr || e.message || "").trim().split("\n")[0]}`,
      fix: `start ${engine} (Docker Desktop, \`sudo systemctl start docker\`, \`podman machine start\`, \`finch vm start\`)`,
    };
  }
  const arch = deps.hostArch ?? process.arch;
  const target = deps.settings.renderArchitecture === "arm64" ? "arm64" : "x64";
  if (arch !== target) {
    return {
      name,
      status: "warn",
      detail: `${engine} ${version} on ${arch}; the render image is built for ${deps.settings.renderArchitecture}, which needs emulation (QEMU) and is slow`,
      fix: `deploy with -c renderArchitecture=${arch === "arm64" ? "arm64" : "x86_64"}, or enable multi-platform builds in ${engine}`,
    };
  }
  return { name, status: "ok", detail: `${engine} ${version}` };
}

async function onPath(programs: readonly string[], pathVar = ""): Promise<string[]> {
  const found: string[] = [];
  for (const program of programs) {
    for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
      const ok = await access(path.join(dir, program), constants.X_OK).then(
        () => true,
        () => false,
      );
      if (ok) {
        found.push(program);
        break;
      }
    }
  }
  return found;
}

/** The report as printed, and whether the account and machine are ready to deploy. */
export function formatDoctorReport(checks: DoctorCheck[]): { text: string; ready: boolean } {
  const mark = { ok: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" } as const;
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = ["VideoCraft deploy preflight (AWS)"];
  for (const c of checks) {
    lines.push(`  ${mark[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== "ok") lines.push(`        ${"".padEnd(width)}  fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  const warned = checks.filter((c) => c.status === "warn").length;
  lines.push(
    failed === 0
      ? `Verdict: ready to deploy${warned ? ` (${warned} warning${warned === 1 ? "" : "s"})` : ""}: npx cdk deploy`
      : `Verdict: not ready: ${failed} problem${failed === 1 ? "" : "s"} to fix first (each with its fix above)`,
  );
  return { text: lines.join("\n"), ready: failed === 0 };
}

/** What rendering locally needs from this machine: Node 24 (the `node` devDependency) and ffmpeg. */
export async function runLocalDoctor(env: Record<string, string | undefined>): Promise<DoctorCheck[]> {
  const major = Number(process.versions.node.split(".")[0]);
  const checks: DoctorCheck[] = [
    major >= 24
      ? { name: "node", status: "ok", detail: process.versions.node }
      : {
          name: "node",
          status: "fail",
          detail: `${process.versions.node}; the project runs on Node 24`,
          fix: "run through npm (`npx videocraft …`), which uses the Node 24 that `npm ci` installed",
        },
  ];
  const found = await onPath(["ffmpeg", "ffprobe"], env.PATH);
  for (const program of ["ffmpeg", "ffprobe"]) {
    checks.push(
      found.includes(program)
        ? { name: program, status: "ok", detail: "on PATH" }
        : {
            name: program,
            status: "fail",
            detail: "not on PATH",
            fix: "`bash scripts/ensure-system-deps.sh` (as root it installs it with apt-get)",
          },
    );
  }
  return checks;
}

/** The settings `cdk deploy` would use: cdk.json's context with `-c key=value` overrides on top. */
export async function readDeploySettings(overrides: Record<string, string>): Promise<Settings> {
  const context = JSON.parse(await readFile(path.join(REPO_ROOT, "cdk.json"), "utf8")).context as Record<
    string,
    unknown
  >;
  const values = Object.fromEntries(SETTING_KEYS.filter((k) => k in context).map((k) => [k, context[k]]));
  return parseSettings({ ...values, ...overrides });
}
