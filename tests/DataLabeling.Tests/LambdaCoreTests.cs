using System.Text.RegularExpressions;
using EdgeMlOps.Cdk.DataLabeling;
using EdgeMlOps.Labeling.BuildFeatureRecords;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.Labeling.FindUnlabeledImages;
using EdgeMlOps.Testing;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

public sealed class LambdaCoreTests
{
    private static OutputManifestOptions Options(bool verified) =>
        new("label", verified ? "label-verification" : null, "correct", 1, "labeling-job/job-a", 1700000000.5);

    private static string Line(string key, string annotations = "[{\"class_id\":0,\"left\":10,\"top\":20,\"width\":30,\"height\":40}]", string? verdict = null) =>
        "{\"source-ref\":\"s3://b/" + key + "\",\"label\":{\"image_size\":[{\"width\":450,\"height\":300,\"depth\":3}],\"annotations\":" + annotations + "},"
        + "\"label-metadata\":{\"job-name\":\"labeling-job/job-a\"}"
        + (verdict is null ? "" : ",\"label-verification\":1,\"label-verification-metadata\":{\"class-name\":\"" + verdict + "\"}") + "}";

    [Fact]
    public void Jpeg_content_under_an_odd_extension_is_an_image_and_text_is_not()
    {
        Assert.Equal(ImageFormat.Unknown, ImageContent.FromExtension("bad/x.jpg_0"));
        Assert.Equal(ImageFormat.Jpeg, ImageContent.Sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
        Assert.Equal(ImageFormat.Png, ImageContent.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
        Assert.Equal(ImageFormat.Unknown, ImageContent.Sniff("hello"u8));
        Assert.Equal(ImageFormat.Jpeg, ImageContent.FromExtension("a/B.JPEG"));
    }

    [Fact]
    public void Job_names_are_unique_per_execution_valid_and_within_63_characters()
    {
        var start = new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero);
        var a = LabelingJobNames.For("edgemlops-dev", "arn:aws:states:eu-west-1:1:execution:sm:run-1", start);
        var b = LabelingJobNames.For("edgemlops-dev", "arn:aws:states:eu-west-1:1:execution:sm:run-2", start);
        var longPrefix = LabelingJobNames.For("A_Very_Long_Prefix_That_Keeps_Going-and-going-and-going-forever", "x", start);
        Assert.NotEqual(a.Labeling, b.Labeling);
        Assert.StartsWith("edgemlops-dev-20261122-030405-", a.Labeling);
        foreach (var name in new[] { a.Labeling, a.Verification, longPrefix.Labeling, longPrefix.Verification })
        {
            Assert.True(name.Length <= 63, $"{name} is {name.Length} characters");
            Assert.Matches("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", name);
        }
    }

    [Fact]
    public void Selection_drops_approved_images_and_caps_oldest_first()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var images = Enumerable.Range(0, 10).Select(i => new ImageObject("b", $"images/incoming/{i}.jpg", t0.AddMinutes(10 - i))).ToList();
        images.Add(images[0]); // overlapping prefixes list an image twice
        var approved = new HashSet<string> { "s3://b/images/incoming/9.jpg", "s3://b/images/incoming/8.jpg" };
        var selection = UnlabeledImageSelector.Select(images, approved, 3);
        Assert.Equal(8, selection.UnlabeledCount);
        Assert.Equal(2, selection.AlreadyApprovedCount);
        Assert.Equal(5, selection.DeferredCount);
        Assert.Equal(["images/incoming/7.jpg", "images/incoming/6.jpg", "images/incoming/5.jpg"], selection.Selected.Select(i => i.Key));
    }

    [Fact]
    public void Bad_manifest_lines_are_skipped_with_reasons_and_never_approved()
    {
        var manifest = string.Join('\n',
            Line("good.jpg"),
            "{not json",
            "{\"label\":{}}",
            "{\"source-ref\":\"s3://b/unlabeled.jpg\"}",
            "{\"source-ref\":\"s3://b/string-label.jpg\",\"label\":\"{broken\"}",
            Line("outside.jpg", "[{\"class_id\":0,\"left\":440,\"top\":20,\"width\":30,\"height\":40}]"),
            Line("negative.jpg", "[{\"class_id\":0,\"left\":-1,\"top\":20,\"width\":30,\"height\":40}]"),
            Line("class.jpg", "[{\"class_id\":3,\"left\":1,\"top\":2,\"width\":3,\"height\":4}]"),
            Line("fraction.jpg", "[{\"class_id\":0,\"left\":\"x\",\"top\":2,\"width\":3,\"height\":4}]"),
            Line("no-boxes.jpg", "[]"));
        var skipped = new SkipTally();
        var labels = OutputManifestReader.Read(new StringReader(manifest), Options(false), skipped);

        Assert.Equal(["s3://b/good.jpg", "s3://b/no-boxes.jpg"], labels.Select(l => l.SourceRef).Order());
        Assert.All(labels, l => Assert.Equal(LabelStatus.Approved, l.Status));
        Assert.Equal(8, skipped.Total);
        Assert.Equal(1, skipped.CountsByReason[SkipReasons.MalformedManifestLine]);
        Assert.Equal(1, skipped.CountsByReason[SkipReasons.MissingSourceRef]);
        Assert.Equal(1, skipped.CountsByReason[SkipReasons.MissingLabel]);
        Assert.Equal(2, skipped.CountsByReason[SkipReasons.MalformedAnnotation]);
        Assert.Equal(2, skipped.CountsByReason[SkipReasons.BoxOutsideImage]);
        Assert.Equal(1, skipped.CountsByReason[SkipReasons.UnknownClass]);
    }

    [Fact]
    public void Verification_answers_set_the_status_and_a_missing_answer_is_skipped()
    {
        var manifest = string.Join('\n', Line("ok.jpg", verdict: "correct"), Line("wrong.jpg", verdict: "incorrect"), Line("unverified.jpg"));
        var skipped = new SkipTally();
        var labels = OutputManifestReader.Read(new StringReader(manifest), Options(true), skipped).ToDictionary(l => l.SourceRef);
        Assert.Equal(LabelStatus.Approved, labels["s3://b/ok.jpg"].Status);
        Assert.Equal(LabelStatus.Rejected, labels["s3://b/wrong.jpg"].Status);
        Assert.False(labels.ContainsKey("s3://b/unverified.jpg"));
        Assert.Equal(1, skipped.CountsByReason[SkipReasons.MissingVerification]);
        Assert.Equal("labeling-job/job-a", labels["s3://b/ok.jpg"].LabelingJob);
    }

    [Fact]
    public void The_dataset_labels_round_trip_through_feature_records_without_loss()
    {
        using var reader = new StreamReader(RepositoryRoot.Combine("tests", "data", "labeling", "labels.csv"));
        var labels = LabelsCsv.Read(reader);
        Assert.Equal(188, labels.Count);
        Assert.Contains(labels, l => l.Annotations.Count == 0);
        foreach (var label in labels)
        {
            var values = FeatureRecordCodec.ToFeatureValues(label);
            Assert.Equal(LabelFeatures.All.Select(f => f.Name), values.Select(v => v.FeatureName));
            var back = FeatureRecordCodec.FromFeatureValues(values);
            Assert.Equal(label, back);
        }

        // Through the chunk files the Map state reads, too.
        var chunks = RecordChunker.Chunk(labels, 50);
        Assert.Equal(4, chunks.Count);
        var json = System.Text.Json.JsonSerializer.Serialize(chunks, LambdaJson.Options);
        var reread = System.Text.Json.JsonSerializer.Deserialize<List<FeatureRecordChunk>>(json, LambdaJson.Options)!;
        var restored = reread.SelectMany(c => c.Records).Select(r => FeatureRecordCodec.FromFeatureValues(r.Record)).ToDictionary(l => l.SourceRef);
        Assert.All(labels, l => Assert.Equal(l, restored[l.SourceRef]));
    }

    [Fact]
    public void Feature_record_JSON_uses_the_PutRecord_member_names()
    {
        var label = new LabelRecord("s3://b/k.jpg", 450, 300, 3, [new BoundingBox(0, 1, 2, 3, 4)], 1657199072.0, "labeling-job/j", LabelStatus.Rejected);
        var json = System.Text.Json.JsonSerializer.Serialize(FeatureRecordCodec.ToFeatureValues(label), LambdaJson.Options);
        Assert.Contains("{\"FeatureName\":\"status\",\"ValueAsString\":\"REJECTED\"}", json);
        Assert.Contains("\"ValueAsString\":\"[{\\u0022class_id\\u0022:0", json);
    }

    [Fact]
    public void Lambda_feature_names_match_the_feature_group_schema() =>
        Assert.Equal(LabelFeatureGroup.Schema, LabelFeatures.All);

    [Theory]
    [InlineData(0.036, 0, 3, 6)]
    [InlineData(1.2, 1, 20, 0)]
    [InlineData(0.012, 0, 1, 2)]
    public void Public_price_splits_into_dollars_cents_and_tenths(double usd, int dollars, int cents, int tenths) =>
        Assert.Equal((dollars, cents, tenths), LabelingWorkforce.SplitPrice(usd));

    [Fact]
    public void Every_supported_region_resolves_to_its_own_built_in_lambdas()
    {
        Assert.Equal(12, GroundTruthBuiltInLambdas.AccountByRegion.Count);
        foreach (var (region, account) in GroundTruthBuiltInLambdas.AccountByRegion)
        {
            var arns = GroundTruthBuiltInLambdas.For(region);
            Assert.Equal($"arn:aws:lambda:{region}:{account}:function:PRE-BoundingBox", arns.BoundingBoxPreHumanTask);
            Assert.Equal($"arn:aws:lambda:{region}:{account}:function:ACS-BoundingBox", arns.BoundingBoxConsolidation);
            Assert.Equal($"arn:aws:lambda:{region}:{account}:function:PRE-VerificationBoundingBox", arns.VerificationPreHumanTask);
            Assert.Equal($"arn:aws:lambda:{region}:{account}:function:ACS-VerificationBoundingBox", arns.VerificationConsolidation);
            Assert.Matches(new Regex("^[0-9]{12}$"), account);
        }

        Assert.Equal("568282634449", GroundTruthBuiltInLambdas.AccountByRegion["eu-west-1"]);
        Assert.Equal(GroundTruthBuiltInLambdas.AccountByRegion.Count, GroundTruthBuiltInLambdas.AccountByRegion.Values.Distinct().Count());
    }

    [Fact]
    public void Fails_if_the_region_has_no_ground_truth()
    {
        var error = Assert.Throws<ArgumentException>(() => GroundTruthBuiltInLambdas.For("eu-north-1"));
        Assert.Contains("no built-in bounding-box Lambdas in region 'eu-north-1'", error.Message);
        Assert.Contains("eu-west-1", error.Message);
    }
}
