// Drives a running ssm-assoc-mock server with the AWS SDK for JavaScript v3 and prints
// what it saw as one JSON object on stdout; tests/test_js_sdk.py asserts on it.
//
//   node js/ssm-client-check.mjs http://127.0.0.1:5000
//
// Steps: register a managed node (HTTP control), create a legacy association, describe
// it, update its status, create more associations and list them all with the SDK's
// paginator (2 per page), then describe an association that does not exist.
import {
  SSMClient,
  CreateAssociationCommand,
  DescribeAssociationCommand,
  UpdateAssociationStatusCommand,
  paginateListAssociations,
} from "@aws-sdk/client-ssm";

const endpoint = process.argv[2] ?? process.env.SSM_ASSOC_MOCK_URL;
if (!endpoint) {
  console.error("usage: node ssm-client-check.mjs ENDPOINT_URL");
  process.exit(2);
}
const INSTANCE_ID = "i-0123456789abcdef0";
const DOCUMENT = "AWS-UpdateSSMAgent";

const client = new SSMClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  maxAttempts: 1,
});

async function registerManagedInstance(instanceId) {
  const response = await fetch(`${endpoint}/ssm-assoc-mock/managed-instances`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ InstanceId: instanceId, PlatformType: "Linux", Tags: { Env: "js" } }),
  });
  return { status: response.status, body: await response.json() };
}

function errorSummary(error) {
  return {
    name: error.name,
    message: error.message,
    httpStatusCode: error.$metadata?.httpStatusCode,
    fault: error.$fault,
  };
}

const results = {};
results.register = await registerManagedInstance(INSTANCE_ID);

const created = await client.send(new CreateAssociationCommand({ Name: DOCUMENT, InstanceId: INSTANCE_ID }));
results.create = created.AssociationDescription;
const associationId = created.AssociationDescription.AssociationId;

const described = await client.send(new DescribeAssociationCommand({ AssociationId: associationId }));
results.describe = described.AssociationDescription;

const updated = await client.send(
  new UpdateAssociationStatusCommand({
    Name: DOCUMENT,
    InstanceId: INSTANCE_ID,
    AssociationStatus: {
      Date: new Date(1424421071939),
      Name: "Pending",
      Message: "temp_status_change",
      AdditionalInfo: "Additional-Config-Needed",
    },
  }),
);
results.updateStatus = updated.AssociationDescription;

for (let index = 0; index < 4; index++) {
  await client.send(
    new CreateAssociationCommand({
      Name: "AWS-RunShellScript",
      AssociationName: `js-association-${index}`,
      Targets: [{ Key: "tag:Env", Values: ["js"] }],
      Parameters: { commands: [`echo ${index}`] },
    }),
  );
}
results.pages = [];
for await (const page of paginateListAssociations({ client, pageSize: 2 }, {})) {
  results.pages.push({
    ids: (page.Associations ?? []).map((item) => item.AssociationId),
    names: (page.Associations ?? []).map((item) => item.AssociationName ?? null),
    hasNextToken: Boolean(page.NextToken),
  });
}

try {
  await client.send(new DescribeAssociationCommand({ AssociationId: "11111111-2222-3333-4444-555555555555" }));
  results.missing = { name: null };
} catch (error) {
  results.missing = errorSummary(error);
}

// Dates as epoch seconds, as the AWS CLI prints them (JSON.stringify would write ISO text).
function epochDates(key, value) {
  const original = this[key];
  return original instanceof Date ? original.getTime() / 1000 : value;
}
process.stdout.write(JSON.stringify(results, epochDates, 2) + "\n");
