using System.Text.Json.Nodes;
using Amazon.S3;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.LocalTwin.Cloud;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.SageMaker;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.LocalTwin;

/// <summary>The last leg of the loop: the labeling workflow over what the devices captured.</summary>
public sealed partial class TwinRun
{
    private const string PutRecord = "arn:aws:states:::aws-sdk:sagemakerfeaturestoreruntime:putRecord";
    private const string PutEvents = "arn:aws:states:::events:putEvents";

    private async Task LabelAsync(SynthesizedApps apps, LocalDeployment deployment, S3rverServer s3, IAmazonS3 client, CancellationToken cancellationToken)
    {
        await StepAsync("Run the labeling workflow: the captured images are found unlabeled, labeled and stored", async lines =>
        {
            var machine = LocalStateMachine.FromTemplate(apps.TemplateWith("labeling", "AWS::StepFunctions::StateMachine"), options: new LocalStateMachineOptions { SsmParameters = deployment.Parameters });
            var groundTruth = new FakeGroundTruth(client);
            var scenario = new Scenario { Timeout = TimeSpan.FromMinutes(10) }
                .WithLambdaEnvironment(s3.ClientEnvironment)
                // First run: no label was ever written, so the offline store's Glue table does not exist yet.
                .Respond("arn:aws:states:::aws-sdk:glue:getTable", TaskAnswer.Fail("Glue.EntityNotFoundException", $"Table for {deployment.Parameter(_contract.LabelingFeatureGroupName)} not found"))
                .Respond("arn:aws:states:::aws-sdk:sagemaker:createLabelingJob", TaskAnswer.From(groundTruth))
                .Respond("arn:aws:states:::aws-sdk:sagemaker:describeLabelingJob", TaskAnswer.From(groundTruth))
                .Respond("arn:aws:states:::aws-sdk:sagemaker:stopLabelingJob", "{}")
                .Respond("arn:aws:states:::sns:publish", "{\"MessageId\":\"twin\"}")
                .Respond(PutEvents, "{\"Entries\":[{\"EventId\":\"twin-labels-updated\"}],\"FailedEntryCount\":0}")
                .Respond(PutRecord, "{}");
            var result = await machine.RunAsync(new JsonObject { ["trigger"] = "schedule" }, scenario, cancellationToken).ConfigureAwait(false);
            _report.LabelingStatus = result.Status.ToString();
            var found = result.InvocationsOf("FindUnlabeledImages").FirstOrDefault()?.Output?["Payload"];
            _report.LabelingManifest = found?["manifestUri"]?.GetValue<string>();
            if (_report.LabelingManifest is { } manifestUri)
            {
                var location = S3Uri.Parse(manifestUri);
                using var manifest = await client.GetObjectAsync(location.Bucket, location.Key, cancellationToken).ConfigureAwait(false);
                using var reader = new StreamReader(manifest.ResponseStream);
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } line)
                {
                    _report.ManifestSourceRefs.Add(JsonNode.Parse(line)!["source-ref"]!.GetValue<string>());
                }
            }

            _report.LabelRecordsWritten = result.InvocationsOf(PutRecord).Count(i => i.Error is null);
            _labelsUpdatedEntry = result.InvocationsOf(PutEvents).FirstOrDefault()?.Parameters?["Entries"]?[0]?.DeepClone().AsObject();
            _labeledBy = [.. result.InvocationsOf(PutRecord).SelectMany(i => i.Parameters?["Record"]?.AsArray() ?? []).Where(f => f?["FeatureName"]?.GetValue<string>() == LabelFeatures.LabelingJob).Select(f => ModelPackageMetadata.LabelingJobName(f!["ValueAsString"]!.GetValue<string>())).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            _report.LabelsUpdatedNewLabels = result.InvocationsOf(PutEvents).FirstOrDefault()?.Parameters?["Entries"]?[0]?["Detail"]?["newLabelCount"]?.GetValue<int>() ?? 0;
            lines.Add($"execution {_report.LabelingStatus}{(result.Error is null ? "" : $" with {result.Error}: {result.Cause}")}");
            lines.Add($"FindUnlabeledImages listed {found?["imageCount"]} image(s) under {_settings.Labeling.ScanPrefixes.Count} scanned prefixes, {found?["unlabeledCount"]} unlabeled, manifest {_report.LabelingManifest}");
            lines.Add($"Ground Truth jobs: {string.Join(", ", groundTruth.CreatedJobs)}; {_report.LabelRecordsWritten} feature record(s) written; LabelsUpdated with newLabelCount {_report.LabelsUpdatedNewLabels}");
            var listed = _report.CapturedObjects.Count(key => _report.ManifestSourceRefs.Any(r => r.EndsWith("/" + key, StringComparison.Ordinal)));
            lines.Add($"{listed} of {_report.CapturedObjects.Count} captured image(s) are in the manifest");
            return true;
        }).ConfigureAwait(false);
    }
}
