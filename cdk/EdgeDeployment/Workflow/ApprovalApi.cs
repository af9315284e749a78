using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Workflow;

public sealed record ApprovalApiProps
{
    /// <summary>ARN of the state machine whose task tokens the API answers. Required.</summary>
    public required string StateMachineArn { get; init; }

    /// <summary>Error name Step Functions receives when a person rejects. Required.</summary>
    public required string RejectionError { get; init; }
}

/// <summary>
/// The approve/reject links of the fleet approval e-mail: a REST API whose <c>GET /approve?token=…</c> and
/// <c>GET /reject?token=…</c> call Step Functions' SendTaskSuccess / SendTaskFailure directly through an AWS
/// service integration. No Lambda: nothing here could use an SDK for Step Functions, and a service integration
/// needs no code, only a role allowed exactly those two calls on this state machine. The task token is the
/// credential: it is unguessable and valid for one execution's approval only.
/// </summary>
public sealed class ApprovalApi : Construct
{
    public const string StageName = "approval";

    private readonly RequestValidator _tokenRequired;

    public ApprovalApi(Construct scope, string id, ApprovalApiProps props)
        : base(scope, id)
    {
        var role = new Role(this, "IntegrationRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("apigateway.amazonaws.com"),
            Description = "Lets the approval links answer the edge deployment's approval task",
        });
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["states:SendTaskSuccess", "states:SendTaskFailure"],
            Resources = [props.StateMachineArn],
        }));

        Api = new RestApi(this, "Resource", new RestApiProps
        {
            Description = "Approve or reject the fleet rollout of an edge deployment (links in the approval e-mail)",
            CloudWatchRole = true,
            EndpointTypes = [EndpointType.REGIONAL],
            DeployOptions = new StageOptions
            {
                StageName = StageName,
                TracingEnabled = true,
                LoggingLevel = MethodLoggingLevel.ERROR,
                MetricsEnabled = true,
                DataTraceEnabled = false,
                ThrottlingRateLimit = 5,
                ThrottlingBurstLimit = 10,
            },
        });

        _tokenRequired = Api.AddRequestValidator("TokenRequired", new RequestValidatorOptions { ValidateRequestParameters = true });

        // Mail clients may send a '+' of the token as a space; a token never contains a space, so it is restored.
        const string token = "$util.escapeJavaScript($input.params('token').replaceAll(' ', '+'))";
        AddAnswer("approve", "SendTaskSuccess", role,
            $"{{\"taskToken\": \"{token}\", \"output\": \"{{\\\"approved\\\": true}}\"}}",
            "The fleet rollout is approved.");
        AddAnswer("reject", "SendTaskFailure", role,
            $"{{\"taskToken\": \"{token}\", \"error\": \"{props.RejectionError}\", \"cause\": \"Rejected through the approval e-mail link\"}}",
            "The fleet rollout is rejected; the canary is being rolled back.");
    }

    public RestApi Api { get; }

    /// <summary>Base URL of the links, ending in '/'.</summary>
    public string Url => $"https://{Api.RestApiId}.execute-api.{Stack.Of(this).Region}.{Aws.URL_SUFFIX}/{StageName}/";

    private void AddAnswer(string path, string action, Role role, string requestTemplate, string message)
    {
        var integration = new AwsIntegration(new AwsIntegrationProps
        {
            Service = "states",
            Action = action,
            IntegrationHttpMethod = "POST",
            Options = new IntegrationOptions
            {
                CredentialsRole = role,
                PassthroughBehavior = PassthroughBehavior.NEVER,
                RequestParameters = new Dictionary<string, string> { ["integration.request.header.Content-Type"] = "'application/x-amz-json-1.0'" },
                RequestTemplates = new Dictionary<string, string> { ["application/json"] = requestTemplate },
                IntegrationResponses =
                [
                    new IntegrationResponse { StatusCode = "200", ResponseTemplates = new Dictionary<string, string> { ["text/html"] = $"<html><body><p>{message}</p></body></html>" } },
                    new IntegrationResponse { StatusCode = "400", SelectionPattern = "4\\d{2}", ResponseTemplates = new Dictionary<string, string> { ["text/html"] = "<html><body><p>This link is no longer valid (already answered, timed out, or the release ended).</p></body></html>" } },
                ],
            },
        });
        var resource = Api.Root.AddResource(path);
        var method = resource.AddMethod("GET", integration, new MethodOptions
        {
            RequestParameters = new Dictionary<string, bool> { ["method.request.querystring.token"] = true },
            RequestValidator = _tokenRequired,
            MethodResponses =
            [
                new MethodResponse { StatusCode = "200", ResponseModels = new Dictionary<string, IModel> { ["text/html"] = Model.EMPTY_MODEL } },
                new MethodResponse { StatusCode = "400", ResponseModels = new Dictionary<string, IModel> { ["text/html"] = Model.EMPTY_MODEL } },
            ],
        });
        _ = method;
    }
}
