using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.IoT;
using Amazon.CDK.AWS.SSM;
using CfnPolicy = Amazon.CDK.AWS.IoT.CfnPolicy;
using CfnPolicyProps = Amazon.CDK.AWS.IoT.CfnPolicyProps;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment.Fleet;

public sealed record EdgeFleetProps
{
    /// <summary>Validated settings (thing group names, topic prefix, resource prefix). Required.</summary>
    public required AppSettings Settings { get; init; }

    /// <summary>Bucket holding the model component artifacts (read under <c>models/</c>). Required.</summary>
    public required SecureBucket ArtifactsBucket { get; init; }
}

/// <summary>
/// What the Greengrass core devices of the fleet are allowed to be: the canary and fleet thing groups, the IoT
/// policy of a core device (its own client id, its own <c>$aws/things/&lt;name&gt;</c> topics and its component
/// topics, nothing else), and the token exchange role with its role alias (read component artifacts, write the
/// labeling app's capture prefix under the device's own thing name, write Greengrass logs).
/// </summary>
public sealed class EdgeFleet : Construct
{
    public EdgeFleet(Construct scope, string id, EdgeFleetProps props)
        : base(scope, id)
    {
        var settings = props.Settings;
        var edge = settings.Edge;
        var stack = Stack.Of(this);
        Topics = new ComponentTopics(edge.TopicPrefix);

        CanaryGroup = new CfnThingGroup(this, "CanaryGroup", new CfnThingGroupProps
        {
            ThingGroupName = edge.CanaryThingGroup,
            ThingGroupProperties = new CfnThingGroup.ThingGroupPropertiesProperty { ThingGroupDescription = "Core devices that receive every new model first" },
        });
        FleetGroup = new CfnThingGroup(this, "FleetGroup", new CfnThingGroupProps
        {
            ThingGroupName = edge.FleetThingGroup,
            ThingGroupProperties = new CfnThingGroup.ThingGroupPropertiesProperty { ThingGroupDescription = "Every production core device; receives a model after the canary passed" },
        });

        TokenExchangeRole = new Role(this, "TokenExchangeRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("credentials.iot.amazonaws.com"),
            Description = "Greengrass token exchange role of the edge fleet: component artifacts, data capture, logs",
        });
        props.ArtifactsBucket.GrantRead(TokenExchangeRole, "models/*");
        AddCaptureWrite(settings);
        TokenExchangeRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "GreengrassLogs",
            Actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "logs", Resource = "log-group", ResourceName = "/aws/greengrass/*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));

        RoleAlias = new CfnRoleAlias(this, "RoleAlias", new CfnRoleAliasProps
        {
            RoleAlias = $"{settings.ResourcePrefix}-edge-tes",
            RoleArn = TokenExchangeRole.RoleArn,
            CredentialDurationSeconds = 3600,
        });

        CorePolicy = new CfnPolicy(this, "CoreDevicePolicy", new CfnPolicyProps
        {
            PolicyName = $"{settings.ResourcePrefix}-edge-core-device",
            PolicyDocument = CoreDevicePolicyDocument(stack, RoleAlias.AttrRoleAliasArn),
        });
    }

    /// <summary>IAM policy variable of the thing name of the device whose certificate obtained the credentials.</summary>
    public const string CaptureThingNameVariable = "${credentials-iot:ThingName}";

    public CfnThingGroup CanaryGroup { get; }

    public CfnThingGroup FleetGroup { get; }

    public Role TokenExchangeRole { get; }

    public CfnRoleAlias RoleAlias { get; }

    public CfnPolicy CorePolicy { get; }

    public ComponentTopics Topics { get; }

    public string CanaryGroupArn => CanaryGroup.AttrArn;

    public string FleetGroupArn => FleetGroup.AttrArn;

    /// <summary>
    /// Lets the token exchange role read one more object (a component's artifact); <paramref name="statementId"/>
    /// names the statement and must be unique in the role's policy.
    /// </summary>
    public void GrantArtifactRead(string bucketArn, string objectKey, string statementId = "InferenceComponentArtifact") =>
        TokenExchangeRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = statementId,
            Actions = ["s3:GetObject"],
            Resources = [$"{bucketArn}/{objectKey}"],
        }));

    private void AddCaptureWrite(AppSettings settings)
    {
        // Names from the labeling app's SSM contract, read at deploy time.
        var contract = new ParameterContract(settings.ParameterRoot);
        var bucket = StringParameter.ValueForStringParameter(this, contract.LabelingDataBucketName);
        var prefix = StringParameter.ValueForStringParameter(this, contract.LabelingCapturePrefix);
        var keyArn = StringParameter.ValueForStringParameter(this, contract.LabelingDataBucketKeyArn);
        // Each device writes only under its own thing name: the capture key layout is
        // <capturePrefix><thingName>/yyyy/MM/dd/<sha256>.{jpg,json} (EdgeMlOps.Edge.Capture.CaptureObjectKeys), and
        // the credentials provider fills the policy variable from the thing name the token exchange service sends
        // (x-amzn-iot-thingname, checked against the device certificate). Labeling reads the whole prefix.
        TokenExchangeRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "WriteCapturedImages",
            Actions = ["s3:PutObject"],
            Resources = [Fn.Join(string.Empty, ["arn:", Aws.PARTITION, ":s3:::", bucket, "/", prefix, CaptureThingNameVariable, "/*"])],
        }));
        TokenExchangeRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "EncryptCapturedImages",
            Actions = ["kms:GenerateDataKey", "kms:Encrypt"],
            Resources = [keyArn],
        }));
    }

    private Dictionary<string, object> CoreDevicePolicyDocument(Stack stack, string roleAliasArn)
    {
        string Iot(string resource) => $"arn:{stack.Partition}:iot:{stack.Region}:{stack.Account}:{resource}";
        var thing = ComponentTopics.PolicyThingName;
        return new Dictionary<string, object>
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new object[]
            {
                Allow("ConnectAsOwnThing", ["iot:Connect"], [Iot($"client/{thing}"), Iot($"client/{thing}#*")]),
                Allow("OwnThingAndComponentTopics", ["iot:Publish", "iot:Receive"],
                    [Iot($"topic/$aws/things/{thing}/*"), Iot($"topic/{Topics.Results(thing)}"), Iot($"topic/{Topics.Health(thing)}")]),
                Allow("OwnThingTopicFilters", ["iot:Subscribe"], [Iot($"topicfilter/$aws/things/{thing}/*")]),
                Allow("OwnThingShadows", ["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"], [Iot($"thing/{thing}")]),
                Allow("TokenExchange", ["iot:AssumeRoleWithCertificate"], [roleAliasArn]),
                // Greengrass data-plane calls of the nucleus; these actions have no resource-level scoping
                // beyond component ARNs, which include AWS-provided components in another account.
                Allow("GreengrassDataPlane",
                    ["greengrass:GetComponentVersionArtifact", "greengrass:ResolveComponentCandidates", "greengrass:GetDeploymentConfiguration", "greengrass:ListThingGroupsForCoreDevice"],
                    ["*"]),
            },
        };
    }

    private static Dictionary<string, object> Allow(string sid, string[] actions, string[] resources) => new()
    {
        ["Sid"] = sid,
        ["Effect"] = "Allow",
        ["Action"] = actions,
        ["Resource"] = resources,
    };
}
