using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.DigitalTwin;

public sealed record DigitalTwinProps
{
    /// <summary>Validated settings (instance type, nucleus version, names). Required.</summary>
    public required AppSettings Settings { get; init; }

    /// <summary>The fleet the twin joins (canary group, IoT policy, role alias). Required.</summary>
    public required EdgeFleet Fleet { get; init; }
}

/// <summary>
/// An EC2 instance that behaves like a core device of the canary group: IMDSv2 only, reachable through SSM
/// Session Manager and nothing else (a security group without ingress, a public subnet without NAT gateway for
/// egress only), an Amazon Linux 2023 AMI from its public SSM parameter, and user data that installs the pinned
/// Greengrass nucleus and provisions it as one thing into the canary group. Its role may provision exactly that
/// thing into exactly that group. The user data installs only what the nucleus needs (Java): the inference
/// component's own prerequisites (.NET runtime, libturbojpeg) reach the twin like every other core device, through
/// the device prerequisites component that each canary deployment includes and the inference component depends on
/// (<see cref="Components.DevicePrerequisitesComponent"/>; on Amazon Linux 2023 its Install step uses dnf).
/// </summary>
public sealed partial class DigitalTwin : Construct
{
    public DigitalTwin(Construct scope, string id, DigitalTwinProps props)
        : base(scope, id)
    {
        var settings = props.Settings;
        var twin = settings.Edge.DigitalTwin;
        var stack = Stack.Of(this);
        ThingName = $"{settings.ResourcePrefix}-digital-twin";
        string Iot(string resource) => stack.FormatArn(new ArnComponents { Service = "iot", Resource = resource, ArnFormat = ArnFormat.NO_RESOURCE_NAME });

        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            AvailabilityZones = [ZoneOf(stack)],
            NatGateways = 0,
            SubnetConfiguration = [new SubnetConfiguration { Name = "egress", SubnetType = SubnetType.PUBLIC, CidrMask = 24 }],
        });

        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = Vpc,
            Description = "Digital twin: no inbound traffic (SSM Session Manager only), outbound HTTPS/MQTT to AWS",
            AllowAllOutbound = true,
        });

        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = "Digital twin: SSM access and provisioning of its one thing into the canary group",
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")],
        });
        var thingArn = Iot($"thing/{ThingName}");
        var policyArn = Iot($"policy/{props.Fleet.CorePolicy.PolicyName}");
        var tesPolicyArn = Iot("policy/GreengrassTESCertificatePolicy*");
        AddProvisioning(["iot:CreateThing", "iot:DescribeThing", "iot:AttachThingPrincipal"], [thingArn]);
        AddProvisioning(["iot:AddThingToThingGroup", "iot:DescribeThingGroup"], [thingArn, props.Fleet.CanaryGroupArn]);
        AddProvisioning(["iot:GetPolicy", "iot:AttachPolicy"], [policyArn, tesPolicyArn, Iot("cert/*")]);
        AddProvisioning(["iot:CreatePolicy"], [tesPolicyArn]);
        AddProvisioning(["iot:DescribeRoleAlias"], [props.Fleet.RoleAlias.AttrRoleAliasArn]);
        AddProvisioning(["iam:GetRole"], [props.Fleet.TokenExchangeRole.RoleArn]);
        // These calls have no resource-level scoping in IAM.
        AddProvisioning(["iot:CreateKeysAndCertificate", "iot:DescribeEndpoint", "sts:GetCallerIdentity"], ["*"]);

        var userData = UserData.ForLinux();
        userData.AddCommands(InstallCommands(settings, props.Fleet, ThingName, stack.Region));

        var arm = ArmInstanceType().IsMatch(twin.InstanceType);
        Instance = new Instance_(this, "Resource", new InstanceProps
        {
            Vpc = Vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
            InstanceType = new InstanceType(twin.InstanceType),
            MachineImage = MachineImage.FromSsmParameter(
                arm ? "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" : "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"),
            SecurityGroup = SecurityGroup,
            Role = Role,
            DetailedMonitoring = true,
            UserData = userData,
            BlockDevices =
            [
                new BlockDevice { DeviceName = "/dev/xvda", Volume = BlockDeviceVolume.Ebs(20, new EbsDeviceOptions { Encrypted = true, VolumeType = EbsDeviceVolumeType.GP3 }) },
            ],
        });
        const string egressOnly = "The twin reaches IoT Core, Greengrass, S3 and SSM through a public IP used for egress only: the issue rules out a NAT gateway, and the security group allows no inbound traffic.";
        // IMDSv2 through an explicit launch template, which also enables detailed monitoring.
        LaunchTemplate = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            RequireImdsv2 = true,
            DetailedMonitoring = true,
        });
        ((CfnInstance)Instance.Node.DefaultChild!).LaunchTemplate = new CfnInstance.LaunchTemplateSpecificationProperty
        {
            LaunchTemplateId = LaunchTemplate.LaunchTemplateId,
            Version = LaunchTemplate.LatestVersionNumber,
        };
        GuardSuppressions.Add(Instance, "ec2_instance_no_public_ip_check", egressOnly);
        GuardSuppressions.Add(Instance, "ec2_instance_nitro_encryption_in_transit_check",
            "The twin talks only to AWS endpoints, always over TLS (MQTT over TLS, HTTPS); there is no instance-to-instance traffic that Nitro in-transit encryption would protect, and the small burstable types a twin needs do not offer it.");
        foreach (var subnet in Vpc.PublicSubnets)
        {
            GuardSuppressions.Add(subnet.Node.DefaultChild!, "subnet_auto_assign_public_ip_disabled_check", egressOnly);
        }

    }

    public string ThingName { get; }

    public Vpc Vpc { get; }

    public SecurityGroup SecurityGroup { get; }

    public Role Role { get; }

    public Instance_ Instance { get; }

    public LaunchTemplate LaunchTemplate { get; }

    /// <summary>
    /// Records the twin's one availability zone as the stack's zone list, so the VPC needs no zone lookup (which
    /// would need AWS credentials at synth). Call right after creating the stack, before adding constructs.
    /// </summary>
    public static void PinAvailabilityZone(Stack stack) =>
        stack.Node.SetContext($"availability-zones:account={stack.Account}:region={stack.Region}", new[] { ZoneOf(stack) });

    private static string ZoneOf(Stack stack) => $"{stack.Region}a";

    /// <summary>The user data: install Java and the pinned nucleus, provision into the canary group, run as a service.</summary>
    public static string[] InstallCommands(AppSettings settings, EdgeFleet fleet, string thingName, string region)
    {
        var version = settings.Edge.DigitalTwin.NucleusVersion;
        return
        [
            "set -euo pipefail",
            "dnf install -y java-17-amazon-corretto-headless unzip",
            $"curl -fsSL -o /tmp/greengrass-nucleus.zip https://d2s8p88vqu9w66.cloudfront.net/releases/greengrass-{version}.zip",
            "rm -rf /tmp/GreengrassInstaller && unzip -q /tmp/greengrass-nucleus.zip -d /tmp/GreengrassInstaller",
            "java -Droot=/greengrass/v2 -Dlog.store=FILE -jar /tmp/GreengrassInstaller/lib/Greengrass.jar"
                + $" --aws-region {region} --thing-name {thingName} --thing-group-name {settings.Edge.CanaryThingGroup}"
                + $" --thing-policy-name {fleet.CorePolicy.PolicyName} --tes-role-name {fleet.TokenExchangeRole.RoleName} --tes-role-alias-name {fleet.RoleAlias.RoleAlias}"
                + " --component-default-user ggc_user:ggc_group --provision true --setup-system-service true --deploy-dev-tools false",
        ];
    }

    private void AddProvisioning(string[] actions, string[] resources) =>
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps { Actions = actions, Resources = resources }));

    // Graviton families carry a 'g' after the generation number: t4g, m7g, c6gn.
    [GeneratedRegex(@"^[a-z]+\d+g[a-z]*\.")]
    private static partial Regex ArmInstanceType();
}
