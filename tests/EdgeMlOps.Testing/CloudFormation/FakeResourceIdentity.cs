using System.Security.Cryptography;
using System.Text;

namespace EdgeMlOps.Testing.CloudFormation;

/// <summary>
/// Deterministic fake physical identifiers for template resources: what <c>Ref</c> and <c>Fn::GetAtt</c> would
/// return after a deployment to account 111111111111 in us-east-1. A resource's name is its explicit name property
/// when the template sets one, otherwise its logical id (lower-cased for S3 buckets). Unknown types and attributes
/// give the readable placeholders <c>&lt;LogicalId&gt;</c> (Ref) and <c>&lt;LogicalId&gt;.&lt;Attr&gt;</c> (GetAtt).
/// </summary>
internal static class FakeResourceIdentity
{
    private sealed record Kind(
        string? NameProperty,
        Func<string, string> Arn,
        RefReturns Ref,
        IReadOnlyDictionary<string, Func<Identity, string>> Attributes,
        bool LowerCaseName = false);

    private enum RefReturns
    {
        Name,
        Arn,
        QueueUrl,
        KeyId,
    }

    private sealed record Identity(string LogicalId, string Name, string Arn);

    private static readonly Dictionary<string, Func<Identity, string>> s_none = [];

    private static readonly Dictionary<string, Kind> s_kinds = new(StringComparer.Ordinal)
    {
        ["AWS::Lambda::Function"] = new("FunctionName", FakeAws.LambdaFunctionArn, RefReturns.Name, s_none),
        ["AWS::SNS::Topic"] = new("TopicName", n => FakeAws.Arn("sns", n), RefReturns.Arn,
            Attrs(("TopicArn", i => i.Arn), ("TopicName", i => i.Name))),
        ["AWS::SQS::Queue"] = new("QueueName", n => FakeAws.Arn("sqs", n), RefReturns.QueueUrl,
            Attrs(("QueueName", i => i.Name), ("QueueUrl", QueueUrl))),
        ["AWS::S3::Bucket"] = new("BucketName", n => $"arn:{FakeAws.Partition}:s3:::{n}", RefReturns.Name,
            Attrs(
                ("DomainName", i => $"{i.Name}.s3.{FakeAws.UrlSuffix}"),
                ("RegionalDomainName", i => $"{i.Name}.s3.{FakeAws.Region}.{FakeAws.UrlSuffix}"),
                ("WebsiteURL", i => $"http://{i.Name}.s3-website-{FakeAws.Region}.{FakeAws.UrlSuffix}")),
            LowerCaseName: true),
        ["AWS::IAM::Role"] = new("RoleName", n => $"arn:{FakeAws.Partition}:iam::{FakeAws.AccountId}:role/{n}", RefReturns.Name,
            Attrs(("RoleId", i => "AROA" + Hex(i.LogicalId, 8).ToUpperInvariant()))),
        ["AWS::IAM::ManagedPolicy"] = new("ManagedPolicyName",
            n => $"arn:{FakeAws.Partition}:iam::{FakeAws.AccountId}:policy/{n}", RefReturns.Arn, s_none),
        ["AWS::KMS::Key"] = new(null, n => FakeAws.Arn("kms", $"key/{KeyId(n)}"), RefReturns.KeyId,
            Attrs(("KeyId", i => KeyId(i.LogicalId)))),
        ["AWS::KMS::Alias"] = new("AliasName", n => FakeAws.Arn("kms", n), RefReturns.Name, s_none),
        ["AWS::SSM::Parameter"] = new("Name", n => FakeAws.Arn("ssm", $"parameter/{n.TrimStart('/')}"), RefReturns.Name, s_none),
        ["AWS::StepFunctions::StateMachine"] = new("StateMachineName", n => FakeAws.Arn("states", $"stateMachine:{n}"),
            RefReturns.Arn, Attrs(("Name", i => i.Name), ("StateMachineName", i => i.Name))),
        ["AWS::DynamoDB::Table"] = new("TableName", n => FakeAws.Arn("dynamodb", $"table/{n}"), RefReturns.Name,
            Attrs(("StreamArn", i => $"{i.Arn}/stream/1970-01-01T00:00:00.000"))),
        ["AWS::Events::Rule"] = new("Name", n => FakeAws.Arn("events", $"rule/{n}"), RefReturns.Name, s_none),
        ["AWS::Events::EventBus"] = new("Name", n => FakeAws.Arn("events", $"event-bus/{n}"), RefReturns.Name,
            Attrs(("Name", i => i.Name))),
        ["AWS::Logs::LogGroup"] = new("LogGroupName", n => FakeAws.Arn("logs", $"log-group:{n}:*"), RefReturns.Name, s_none),
        ["AWS::CodeBuild::Project"] = new("Name", n => FakeAws.Arn("codebuild", $"project/{n}"), RefReturns.Name, s_none),
        ["AWS::IoT::Thing"] = new("ThingName", n => FakeAws.Arn("iot", $"thing/{n}"), RefReturns.Name, s_none),
        ["AWS::IoT::ThingGroup"] = new("ThingGroupName", n => FakeAws.Arn("iot", $"thinggroup/{n}"), RefReturns.Name, s_none),
        ["AWS::IoT::RoleAlias"] = new("RoleAlias", n => FakeAws.Arn("iot", $"rolealias/{n}"), RefReturns.Name,
            Attrs(("RoleAliasArn", i => i.Arn))),
        ["AWS::SageMaker::Model"] = new("ModelName", n => SageMakerArn("model", n), RefReturns.Arn,
            Attrs(("ModelName", i => i.Name))),
        ["AWS::SageMaker::EndpointConfig"] = new("EndpointConfigName", n => SageMakerArn("endpoint-config", n), RefReturns.Arn,
            Attrs(("EndpointConfigName", i => i.Name))),
        ["AWS::SageMaker::Endpoint"] = new("EndpointName", n => SageMakerArn("endpoint", n), RefReturns.Arn,
            Attrs(("EndpointName", i => i.Name))),
        ["AWS::SageMaker::ModelPackageGroup"] = new("ModelPackageGroupName", n => SageMakerArn("model-package-group", n),
            RefReturns.Arn, Attrs(("ModelPackageGroupArn", i => i.Arn), ("ModelPackageGroupName", i => i.Name))),
        ["AWS::SageMaker::FeatureGroup"] = new("FeatureGroupName", n => SageMakerArn("feature-group", n), RefReturns.Name,
            Attrs(("FeatureGroupName", i => i.Name))),
        ["AWS::SageMaker::Workteam"] = new("WorkteamName", n => SageMakerArn("workteam/private-crowd", n), RefReturns.Arn,
            Attrs(("WorkteamName", i => i.Name))),
        ["AWS::SageMaker::Pipeline"] = new("PipelineName", n => SageMakerArn("pipeline", n), RefReturns.Name, s_none),
    };

    /// <summary>The value of <c>{"Ref": logicalId}</c> for a resource.</summary>
    public static string Ref(string logicalId, string type, Func<string, string?> explicitName)
    {
        if (!s_kinds.TryGetValue(type, out var kind))
        {
            return logicalId;
        }

        var identity = IdentityOf(logicalId, kind, explicitName);
        return kind.Ref switch
        {
            RefReturns.Arn => identity.Arn,
            RefReturns.QueueUrl => QueueUrl(identity),
            RefReturns.KeyId => KeyId(logicalId),
            _ => identity.Name,
        };
    }

    /// <summary>The value of <c>{"Fn::GetAtt": [logicalId, attribute]}</c> for a resource.</summary>
    public static string GetAtt(string logicalId, string type, string attribute, Func<string, string?> explicitName)
    {
        if (!s_kinds.TryGetValue(type, out var kind))
        {
            return $"{logicalId}.{attribute}";
        }

        var identity = IdentityOf(logicalId, kind, explicitName);
        if (kind.Attributes.TryGetValue(attribute, out var value))
        {
            return value(identity);
        }

        return attribute == "Arn" ? identity.Arn : $"{logicalId}.{attribute}";
    }

    private static Identity IdentityOf(string logicalId, Kind kind, Func<string, string?> explicitName)
    {
        var name = (kind.NameProperty is null ? null : explicitName(kind.NameProperty))
            ?? (kind.LowerCaseName ? logicalId.ToLowerInvariant() : logicalId);
        var arnName = kind.Ref == RefReturns.KeyId ? logicalId : name;
        return new Identity(logicalId, name, kind.Arn(arnName));
    }

    private static Dictionary<string, Func<Identity, string>> Attrs(params (string Name, Func<Identity, string> Value)[] attributes) =>
        attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);

    private static string SageMakerArn(string kind, string name) => FakeAws.Arn("sagemaker", $"{kind}/{name.ToLowerInvariant()}");

    private static string QueueUrl(Identity identity) =>
        $"https://sqs.{FakeAws.Region}.{FakeAws.UrlSuffix}/{FakeAws.AccountId}/{identity.Name}";

    // A KMS key id looks like a GUID; derive it from the logical id so it is stable across runs.
    private static string KeyId(string logicalId)
    {
        var hex = Hex(logicalId, 16);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    private static string Hex(string text, int bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, bytes));
}
