import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import { formatDoctorReport, readDeploySettings, runAwsDoctor, runLocalDoctor } from "./aws-doctor.js";
import { CliExit, EXIT } from "./cli-commands.js";

export interface DoctorOptions {
  aws?: boolean;
  context: string[];
  toolkitStackName: string;
}

/** `videocraft doctor [--aws]`: prints the checks and a verdict; exit 1 when a check fails. */
export async function doctorCommand(o: DoctorOptions): Promise<number> {
  const overrides: Record<string, string> = {};
  for (const pair of o.context) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliExit(EXIT.INVALID, `-c expects key=value, got "${pair}"`);
    overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const env = process.env;
  const checks = await runLocalDoctor(env);
  if (o.aws) {
    // The SDK's default chain: AWS_PROFILE, environment variables, SSO, the shared config files.
    const clients = {
      sts: new STSClient({}),
      cloudformation: new CloudFormationClient({}),
      lambda: new LambdaClient({}),
    };
    try {
      const settings = await readDeploySettings(overrides);
      checks.push(
        ...(await runAwsDoctor({ ...clients, settings, env, toolkitStackName: o.toolkitStackName })),
      );
    } finally {
      for (const client of Object.values(clients)) client.destroy();
    }
  }
  const report = formatDoctorReport(checks);
  console.log(report.text);
  return report.ready ? EXIT.OK : EXIT.JOB_FAILED;
}
