using System.Text.Json.Nodes;
using EdgeMlOps.Testing.CloudFormation;
using Xunit;

namespace StateMachineHarness.Tests;

public sealed class IntrinsicResolverTests
{
    private static readonly CloudFormationTemplate s_template = CloudFormationTemplate.Parse("""
        {
          "Parameters": {
            "Stage": { "Type": "String", "Default": "dev" },
            "ModelVersion": { "Type": "AWS::SSM::Parameter::Value<String>", "Default": "/edge/model-version" },
            "NoDefault": { "Type": "String" }
          },
          "Mappings": { "Sizes": { "dev": { "Instance": "ml.m5.large" } } },
          "Resources": {
            "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "Handler": "A::B.C::D" } },
            "NamedFn": { "Type": "AWS::Lambda::Function", "Properties": { "FunctionName": { "Fn::Sub": "edge-${Stage}-fn" } } },
            "DataBucketE3F1": { "Type": "AWS::S3::Bucket" },
            "Topic": { "Type": "AWS::SNS::Topic" },
            "Role": { "Type": "AWS::IAM::Role" },
            "Key": { "Type": "AWS::KMS::Key" },
            "Param": { "Type": "AWS::SSM::Parameter", "Properties": { "Name": "/edge/bucket", "Type": "String", "Value": "literal-bucket" } },
            "Model": { "Type": "AWS::SageMaker::Model", "Properties": { "ModelName": "Defects" } },
            "Group": { "Type": "AWS::SageMaker::ModelPackageGroup", "Properties": { "ModelPackageGroupName": "defect-models" } },
            "Queue": { "Type": "AWS::SQS::Queue" },
            "Thing": { "Type": "AWS::Custom::Thing" }
          }
        }
        """);

    private static string Resolve(string intrinsicJson, IntrinsicResolver? resolver = null) =>
        (resolver ?? new IntrinsicResolver(s_template)).ResolveString(JsonNode.Parse(intrinsicJson), "test");

    [Theory]
    [InlineData("""{"Ref":"AWS::Region"}""", "us-east-1")]
    [InlineData("""{"Ref":"AWS::AccountId"}""", "111111111111")]
    [InlineData("""{"Ref":"AWS::Partition"}""", "aws")]
    [InlineData("""{"Ref":"AWS::URLSuffix"}""", "amazonaws.com")]
    [InlineData("""{"Ref":"Fn"}""", "Fn")]
    [InlineData("""{"Fn::GetAtt":["Fn","Arn"]}""", "arn:aws:lambda:us-east-1:111111111111:function:Fn")]
    [InlineData("""{"Fn::GetAtt":"Fn.Arn"}""", "arn:aws:lambda:us-east-1:111111111111:function:Fn")]
    [InlineData("""{"Ref":"NamedFn"}""", "edge-dev-fn")]
    [InlineData("""{"Ref":"DataBucketE3F1"}""", "databuckete3f1")]
    [InlineData("""{"Fn::GetAtt":["DataBucketE3F1","Arn"]}""", "arn:aws:s3:::databuckete3f1")]
    [InlineData("""{"Ref":"Topic"}""", "arn:aws:sns:us-east-1:111111111111:Topic")]
    [InlineData("""{"Fn::GetAtt":["Topic","TopicName"]}""", "Topic")]
    [InlineData("""{"Fn::GetAtt":["Role","Arn"]}""", "arn:aws:iam::111111111111:role/Role")]
    [InlineData("""{"Ref":"Param"}""", "/edge/bucket")]
    [InlineData("""{"Fn::GetAtt":["Param","Value"]}""", "literal-bucket")]
    [InlineData("""{"Ref":"Model"}""", "arn:aws:sagemaker:us-east-1:111111111111:model/defects")]
    [InlineData("""{"Fn::GetAtt":["Model","ModelName"]}""", "Defects")]
    [InlineData("""{"Fn::GetAtt":["Group","ModelPackageGroupArn"]}""", "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/defect-models")]
    [InlineData("""{"Ref":"Queue"}""", "https://sqs.us-east-1.amazonaws.com/111111111111/Queue")]
    [InlineData("""{"Ref":"Thing"}""", "Thing")]
    [InlineData("""{"Fn::GetAtt":["Thing","Endpoint"]}""", "Thing.Endpoint")]
    [InlineData("""{"Fn::GetAtt":["Fn","SnapStartResponse"]}""", "Fn.SnapStartResponse")]
    public void Resolves_references_to_deterministic_fake_values(string intrinsic, string expected) =>
        Assert.Equal(expected, Resolve(intrinsic));

    [Fact]
    public void Gives_a_KMS_key_a_stable_GUID_shaped_id_used_in_its_ARN()
    {
        var keyId = Resolve("""{"Ref":"Key"}""");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", keyId);
        Assert.Equal($"arn:aws:kms:us-east-1:111111111111:key/{keyId}", Resolve("""{"Fn::GetAtt":["Key","Arn"]}"""));
    }

    [Fact]
    public void Joins_nested_intrinsics()
    {
        Assert.Equal("arn:aws:states:::sns:publish/databuckete3f1",
            Resolve("""{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":states:::sns:publish/",{"Ref":"DataBucketE3F1"}]]}"""));
    }

    [Fact]
    public void Substitutes_references_attributes_variables_and_escaped_literals()
    {
        var value = Resolve("""
            {"Fn::Sub":["${AWS::Region}/${DataBucketE3F1}/${Fn.Arn}/${Extra}/${!Literal}",{"Extra":{"Ref":"Stage"}}]}
            """);

        Assert.Equal("us-east-1/databuckete3f1/arn:aws:lambda:us-east-1:111111111111:function:Fn/dev/${Literal}", value);
    }

    [Fact]
    public void Selects_from_a_split_list_and_finds_in_maps()
    {
        Assert.Equal("b", Resolve("""{"Fn::Select":[1,{"Fn::Split":[",","a,b,c"]}]}"""));
        Assert.Equal("ml.m5.large", Resolve("""{"Fn::FindInMap":["Sizes",{"Ref":"Stage"},"Instance"]}"""));
        Assert.Equal("us-east-1b", Resolve("""{"Fn::Select":["1",{"Fn::GetAZs":""}]}"""));
    }

    [Fact]
    public void Resolves_SSM_dynamic_references_from_options_the_template_or_a_placeholder()
    {
        var withValues = new IntrinsicResolver(s_template, new Dictionary<string, string> { ["/edge/name"] = "given" });

        Assert.Equal("x-given-y", Resolve("\"x-{{resolve:ssm:/edge/name}}-y\"", withValues));
        Assert.Equal("literal-bucket", Resolve("\"{{resolve:ssm:/edge/bucket:3}}\"", withValues));
        Assert.Equal("ssm:/edge/unknown", Resolve("\"{{resolve:ssm:/edge/unknown}}\"", withValues));
    }

    [Fact]
    public void Resolves_template_parameters_from_defaults_options_and_SSM()
    {
        var resolver = new IntrinsicResolver(s_template,
            new Dictionary<string, string> { ["/edge/model-version"] = "7" },
            new Dictionary<string, string> { ["NoDefault"] = "given" });

        Assert.Equal("dev", Resolve("""{"Ref":"Stage"}""", resolver));
        Assert.Equal("7", Resolve("""{"Ref":"ModelVersion"}""", resolver));
        Assert.Equal("given", Resolve("""{"Ref":"NoDefault"}""", resolver));
    }

    [Theory]
    [InlineData("""{"Fn::ImportValue":"SharedBucketName"}""", "Fn::ImportValue is not allowed")]
    [InlineData("""{"Ref":"Missing"}""", "'Missing'")]
    [InlineData("""{"Ref":"NoDefault"}""", "TemplateParameters")]
    [InlineData("""{"Fn::If":["IsProd","a","b"]}""", "Fn::If")]
    [InlineData("\"{{resolve:secretsmanager:db:SecretString:password}}\"", "secretsmanager")]
    public void Fails_with_a_message_naming_the_problem(string intrinsic, string expectedInMessage)
    {
        var error = Assert.Throws<TemplateResolutionException>(() => Resolve(intrinsic));

        Assert.Contains(expectedInMessage, error.Message);
    }
}
