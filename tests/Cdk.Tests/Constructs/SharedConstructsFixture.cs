using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.IAM;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.Tests.Constructs;

/// <summary>One stack holding one of each shared construct, synthesized once for the whole test class.</summary>
public sealed class SharedConstructsFixture
{
    public SharedConstructsFixture()
    {
        var settings = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "dev");
        var build = new BuildOptions { RepositoryRoot = TestPaths.RepositoryRoot, SkipBundling = true };
        var app = new Amazon.CDK.App();
        var stack = new Stack(app, "SharedConstructs", new StackProps
        {
            Env = new Amazon.CDK.Environment { Account = "123456789012", Region = "eu-west-1" },
        });

        Bucket = new SecureBucket(stack, "Data", new SecureBucketProps { Purpose = "test data" });
        Topic = new NotificationTopic(stack, "Notifications", new NotificationTopicProps
        {
            DisplayName = "Test notifications",
            Emails = ["ops@example.com"],
        });
        Function = new DotnetFunction(stack, "Parser", new DotnetFunctionProps
        {
            ProjectDirectory = "cdk/Shared",
            Handler = "Parser::Parser.Handler::HandleAsync",
            Build = build,
            Description = "Parses things",
        });
        StateMachine = new AslStateMachine(stack, "Workflow", new AslStateMachineProps
        {
            DefinitionFile = "tests/Cdk.Tests/Fixtures/sample.asl.json",
            Build = build,
            Substitutions = new Dictionary<string, string>
            {
                ["TopicArn"] = Topic.TopicArn,
                ["ParserFunctionArn"] = Function.FunctionArn,
            },
            TaskPermissions =
            [
                new PolicyStatement(new PolicyStatementProps { Actions = ["lambda:InvokeFunction"], Resources = [Function.FunctionArn] }),
                new PolicyStatement(new PolicyStatementProps { Actions = ["sns:Publish"], Resources = [Topic.TopicArn] }),
            ],
            SupportingPermissions =
            [
                new SupportingPermission(["kms:Decrypt", "kms:GenerateDataKey*"], [Topic.Key.KeyArn], "The topic is encrypted with its own key."),
            ],
        });
        Pipeline = new WorkflowPipeline(stack, "WorkflowPipeline", new WorkflowPipelineProps
        {
            Settings = settings,
            AppName = "test",
            StateMachine = StateMachine.StateMachine,
            Schedule = "rate(1 day)",
        });

        Template = Template.FromStack(stack);
        Json = System.Text.Json.Nodes.JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Template.ToJSON()))!;
    }

    public SecureBucket Bucket { get; }

    public NotificationTopic Topic { get; }

    public DotnetFunction Function { get; }

    public AslStateMachine StateMachine { get; }

    public WorkflowPipeline Pipeline { get; }

    public Template Template { get; }

    public System.Text.Json.Nodes.JsonNode Json { get; }
}
