using EdgeMlOps.QualityGates.ApiModels;
using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Model;

namespace EdgeMlOps.QualityGates.Gates;

/// <summary>
/// Gate 3: every AWS SDK task (<c>arn:aws:states:::aws-sdk:service:action</c>) and every optimized integration
/// names a real operation of the AWS API models, and its Parameters use only real members and give every
/// required one. Optimized integrations must be in <see cref="OptimizedIntegrations"/>.
/// </summary>
public sealed class SdkIntegrationGate(ApiModelCatalog catalog)
{
    public const string Name = "sdk-integrations";

    public GateResult Run(IReadOnlyList<AslDocument> documents)
    {
        var failures = new List<Finding>();
        var checkedTasks = 0;
        foreach (var document in documents)
        {
            foreach (var task in AslTasks.In(document.Definition))
            {
                var integration = task.Integration;
                if (integration.Kind is IntegrationKind.AwsSdk or IntegrationKind.Optimized)
                {
                    checkedTasks++;
                    failures.AddRange(Check(task, integration).Select(p => new Finding(document.Source, task.Path, p.Check, p.Message)));
                }
            }
        }

        return new GateResult(Name, checkedTasks, failures, []);
    }

    private IEnumerable<ParameterChecker.Problem> Check(AslTask task, TaskIntegration integration)
    {
        string modelService;
        string operation;
        if (integration.Kind == IntegrationKind.AwsSdk)
        {
            if (integration.Pattern is not ("" or "waitForTaskToken"))
            {
                yield return new("unsupported-pattern", $"{task.Resource}: AWS SDK integrations support request-response and .waitForTaskToken only, not .{integration.Pattern}");
            }

            modelService = AwsServiceNames.ModelKey(integration.Service);
            operation = char.ToUpperInvariant(integration.Action[0]) + integration.Action[1..];
        }
        else
        {
            var optimized = OptimizedIntegrations.Find(integration.ServiceAndAction);
            if (optimized is null)
            {
                yield return new("unknown-integration", $"{task.Resource} is not in the table of optimized integrations (OptimizedIntegrations); add it with its IAM actions or use an aws-sdk integration");
                yield break;
            }

            if (!optimized.Patterns.Contains(integration.Pattern))
            {
                yield return new("unsupported-pattern", $"{task.Resource}: {optimized.Resource} supports {string.Join(", ", optimized.Patterns.Select(p => p.Length == 0 ? "request-response" : "." + p))}");
            }

            modelService = optimized.ModelService;
            operation = optimized.Operation;
        }

        var model = catalog.Find(modelService);
        if (model is null)
        {
            yield return new("unknown-service", $"{task.Resource}: no AWS API model for service '{integration.Service}' (metadata.json key '{modelService}')");
            yield break;
        }

        var input = model.Input(operation);
        if (input is null)
        {
            var nearest = NearestName.In(operation, model.OperationNames);
            var hint = nearest is null ? "" : $" (did you mean {char.ToLowerInvariant(nearest[0])}{nearest[1..]}?)";
            yield return new("unknown-operation", $"{task.Resource}: {model.File} has no operation {operation}{hint}");
            yield break;
        }

        if (task.RequestIsExpression)
        {
            yield break;
        }

        foreach (var problem in ParameterChecker.Check(input, task.Parameters, operation))
        {
            yield return problem;
        }
    }
}
