using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.Testing.SageMaker;

/// <summary>
/// A fake of SageMaker's labeling-job API for local executions: createLabelingJob reads the input manifest from the
/// local S3 and writes an output manifest shaped like Ground Truth's (boxes, and verdicts for verification jobs);
/// describeLabelingJob reports InProgress <see cref="PollsBeforeDone"/> times, then <see cref="FinalStatus"/>.
/// </summary>
public sealed class FakeGroundTruth : ITaskHandler
{
    private readonly IAmazonS3 _s3;
    private readonly Dictionary<string, (string Output, int Polls, bool Verification)> _jobs = new(StringComparer.Ordinal);

    /// <summary>A fake that reads input manifests from and writes output manifests to <paramref name="s3"/>.</summary>
    public FakeGroundTruth(IAmazonS3 s3)
    {
        _s3 = s3;
    }

    /// <summary>How many describeLabelingJob calls report InProgress before the final status. Default: 0.</summary>
    public int PollsBeforeDone { get; init; }

    /// <summary>The status a job ends in. Default: Completed.</summary>
    public string FinalStatus { get; init; } = "Completed";

    /// <summary>Final status of verification jobs. Default: null, they end like labeling jobs (<see cref="FinalStatus"/>).</summary>
    public string? VerificationFinalStatus { get; init; }

    /// <summary>Verification verdict per source-ref; default "correct".</summary>
    public Func<string, string> Verdict { get; init; } = _ => "correct";

    /// <summary>Names of the jobs created, in order.</summary>
    public List<string> CreatedJobs { get; } = [];

    /// <summary>The createLabelingJob parameters, in order.</summary>
    public List<JsonNode> CreateRequests { get; } = [];

    /// <inheritdoc />
    public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var p = call.Parameters!;
        var name = p["LabelingJobName"]!.GetValue<string>();
        if (call.Resource.EndsWith(":createLabelingJob", StringComparison.Ordinal))
        {
            CreateRequests.Add(p.DeepClone());
            var input = S3Uri.Parse(p["InputConfig"]!["DataSource"]!["S3DataSource"]!["ManifestS3Uri"]!.GetValue<string>());
            var output = S3Uri.Parse(p["OutputConfig"]!["S3OutputPath"]!.GetValue<string>());
            var attribute = p["LabelAttributeName"]!.GetValue<string>();
            string text;
            using (var response = await _s3.GetObjectAsync(input.Bucket, input.Key, cancellationToken))
            using (var reader = new StreamReader(response.ResponseStream))
            {
                text = await reader.ReadToEndAsync(cancellationToken);
            }

            var lines = new StringBuilder();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var item = JsonNode.Parse(line)!.AsObject();
                var sourceRef = item["source-ref"]!.GetValue<string>();
                if (attribute == "label")
                {
                    item["label"] = JsonNode.Parse("{\"image_size\":[{\"width\":450,\"height\":300,\"depth\":3}],\"annotations\":[{\"class_id\":0,\"left\":10,\"top\":20,\"width\":30,\"height\":40}]}");
                    item["label-metadata"] = JsonNode.Parse($"{{\"job-name\":\"labeling-job/{name}\",\"type\":\"groundtruth/object-detection\"}}");
                }
                else
                {
                    var verdict = Verdict(sourceRef);
                    item[attribute] = verdict == "correct" ? 0 : 1;
                    item[$"{attribute}-metadata"] = new JsonObject { ["class-name"] = verdict, ["type"] = "groundtruth/label-verification" };
                }

                lines.Append(item.ToJsonString()).Append('\n');
            }

            var key = $"{output.Key}{name}/manifests/output/output.manifest";
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = output.Bucket, Key = key, ContentBody = lines.ToString() }, cancellationToken);
            lock (_jobs)
            {
                _jobs[name] = ($"s3://{output.Bucket}/{key}", 0, attribute != "label");
                CreatedJobs.Add(name);
            }

            return new JsonObject { ["LabelingJobArn"] = $"arn:aws:sagemaker:us-east-1:111111111111:labeling-job/{name}" };
        }

        lock (_jobs)
        {
            var (outputUri, polls, verification) = _jobs[name];
            _jobs[name] = (outputUri, polls + 1, verification);
            var status = polls < PollsBeforeDone ? "InProgress" : verification ? VerificationFinalStatus ?? FinalStatus : FinalStatus;
            var response = new JsonObject
            {
                ["LabelingJobName"] = name,
                ["LabelingJobStatus"] = status,
                ["LabelCounters"] = new JsonObject { ["TotalLabeled"] = 0 },
            };
            if (status == "Completed")
            {
                response["LabelingJobOutput"] = new JsonObject { ["OutputDatasetS3Uri"] = outputUri };
            }

            if (status == "Failed")
            {
                response["FailureReason"] = "ClientError: workteam has no workers";
            }

            return response;
        }
    }
}
