using EdgeMlOps.Lambdas.PrepareYoloDataset;

namespace EdgeMlOps.ModelTraining.Tests.Dataset;

public sealed class DatasetPlannerTests
{
    private static readonly Func<string, bool> AllImagesExist = _ => true;

    private readonly DatasetPlan _plan = DatasetPlanner.Plan(LabelsCsv.Rows(), AllImagesExist, LabelsCsv.Options());

    [Fact]
    public void Reads_every_row_of_labels_csv()
    {
        var rows = LabelsCsv.Rows();
        Assert.Equal(188, rows.Count);
        Assert.All(rows, r => Assert.StartsWith("s3://data-bucket/pipeline/assets/images/", r.SourceRef, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Equal((450, 300), (r.ImageWidth, r.ImageHeight)));
    }

    [Fact]
    public void Converts_boxes_of_labels_csv_to_yolo_lines_checked_by_hand()
    {
        // Row 1: 450x300, boxes {top 123, left 81, h 97, w 82}, {top 119, left 180, h 70, w 72}, {top 79, left 286, h 82, w 52}.
        // cx = (81 + 82/2) / 450 = 122/450 = 0.271111; cy = (123 + 97/2) / 300 = 171.5/300 = 0.571667;
        // w = 82/450 = 0.182222; h = 97/300 = 0.323333. Likewise 216/450 = 0.48, 154/300 = 0.513333,
        // 72/450 = 0.16, 70/300 = 0.233333; 312/450 = 0.693333, 120/300 = 0.4, 52/450 = 0.115556, 82/300 = 0.273333.
        Assert.Equal(
            "0 0.271111 0.571667 0.182222 0.323333\n0 0.480000 0.513333 0.160000 0.233333\n0 0.693333 0.400000 0.115556 0.273333\n",
            Image("bad/image-2020-04-22-11-07-29-26-cropped-left-top.jpg").LabelText);

        // Row 2: {top 85, left 182, h 142, w 76}: cx = 220/450 = 0.488889, cy = 156/300 = 0.52, w = 76/450 = 0.168889, h = 142/300 = 0.473333.
        Assert.Equal("0 0.488889 0.520000 0.168889 0.473333\n", Image("bad/image-2020-04-22-10-55-52-04-cropped-left-bottom.jpg").LabelText);

        // Row 10: {top 123, left 164, h 85, w 160}: cx = 244/450 = 0.542222, cy = 165.5/300 = 0.551667, w = 160/450 = 0.355556, h = 85/300 = 0.283333.
        Assert.Equal("0 0.542222 0.551667 0.355556 0.283333\n", Image("bad/image-2020-04-22-10-53-58-45-cropped-right-top.jpg").LabelText);
    }

    [Fact]
    public void Keeps_an_image_without_boxes_as_background_with_an_empty_label_file()
    {
        var good = Image("good/image-2020-04-22-10-15-16-00-cropped-left-top.jpg");
        Assert.Empty(good.Boxes);
        Assert.Equal(string.Empty, good.LabelText);
        Assert.Equal(4, _plan.BackgroundImages);
    }

    [Fact]
    public void Reports_the_counts_of_labels_csv()
    {
        Assert.Equal(188, _plan.ImageCount);
        Assert.Equal(385, _plan.LabelCount);
        Assert.Equal(0, _plan.SkippedLabels);
        Assert.Equal(385, _plan.BoxesPerClass["scratch"]);
        var train = _plan.CountIn(DatasetSplit.Train);
        var validation = _plan.CountIn(DatasetSplit.Validation);
        var test = _plan.CountIn(DatasetSplit.Test);
        Assert.Equal(188, train + validation + test);

        // 15 % each of 188 images is about 28; a hash split lands near it, not on it.
        Assert.InRange(validation, 14, 45);
        Assert.InRange(test, 14, 45);
        Assert.InRange(train, 100, 160);
    }

    [Fact]
    public void Label_and_image_file_names_match_and_are_unique()
    {
        Assert.Equal(_plan.ImageCount, _plan.Images.Select(i => i.FileName).Distinct().Count());
        Assert.All(_plan.Images, i => Assert.Equal(Path.GetFileNameWithoutExtension(i.FileName) + ".txt", i.LabelFileName));
        Assert.All(_plan.Images, i => Assert.EndsWith(".jpg", i.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public void Split_is_the_same_on_every_run_and_for_any_row_order()
    {
        var reversed = DatasetPlanner.Plan(LabelsCsv.Rows().Reverse(), AllImagesExist, LabelsCsv.Options());
        Assert.Equal(Splits(_plan), Splits(reversed));
        Assert.Equal(_plan.SnapshotId, reversed.SnapshotId);
    }

    [Fact]
    public void Existing_images_keep_their_split_when_labels_are_added()
    {
        var added = Enumerable.Range(0, 60)
            .Select(i => LabelsCsv.Row($"bad/new-{i:D3}.jpg", "[{\"class_id\": 0, \"top\": 10, \"left\": 10, \"height\": 20, \"width\": 20}]", 1_800_000_000));
        var grown = DatasetPlanner.Plan(LabelsCsv.Rows().Concat(added), AllImagesExist, LabelsCsv.Options());

        Assert.Equal(248, grown.ImageCount);
        var before = Splits(_plan);
        var after = Splits(grown);
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
        Assert.NotEqual(_plan.SnapshotId, grown.SnapshotId);
    }

    [Fact]
    public void Another_seed_gives_another_split()
    {
        var other = DatasetPlanner.Plan(LabelsCsv.Rows(), AllImagesExist, LabelsCsv.Options(seed: 7));
        var moved = Splits(_plan).Count(kv => Splits(other)[kv.Key] != kv.Value);
        Assert.True(moved > 20, $"only {moved} images changed split with another seed");
    }

    [Fact]
    public void Uses_the_latest_record_of_an_image_and_only_when_approved()
    {
        var rows = new[]
        {
            // a: approved, then rejected later → left out.
            LabelsCsv.Row("bad/a.jpg", Box(10, 10, 20, 20), 100),
            LabelsCsv.Row("bad/a.jpg", Box(10, 10, 20, 20), 200, status: "REJECTED"),

            // b: rejected, then approved with other boxes later → the later boxes.
            LabelsCsv.Row("bad/b.jpg", Box(0, 0, 45, 30), 100, status: "REJECTED"),
            LabelsCsv.Row("bad/b.jpg", Box(225, 150, 45, 30), 200),

            // c: same event time, the later write wins.
            LabelsCsv.Row("bad/c.jpg", Box(0, 0, 90, 60), 300) with { WriteTime = "2024-01-01 10:00:00" },
            LabelsCsv.Row("bad/c.jpg", Box(0, 0, 45, 30), 300) with { WriteTime = "2024-01-01 11:00:00" },

            // d: deleted as its latest record → left out.
            LabelsCsv.Row("bad/d.jpg", Box(10, 10, 20, 20), 100),
            LabelsCsv.Row("bad/d.jpg", Box(10, 10, 20, 20), 200) with { IsDeleted = true },
        };

        var latest = DatasetPlanner.LatestApproved(rows);
        Assert.Equal([LabelsCsv.Uri("bad/b.jpg"), LabelsCsv.Uri("bad/c.jpg")], latest.Select(r => r.SourceRef).ToArray());
        Assert.Equal(Box(225, 150, 45, 30), latest[0].Annotations);
        Assert.Equal(Box(0, 0, 45, 30), latest[1].Annotations);
    }

    [Fact]
    public void Skips_a_label_with_a_box_outside_the_image_and_counts_it()
    {
        var rows = LabelsCsv.Rows().Append(LabelsCsv.Row("bad/outside.jpg", Box(440, 10, 20, 20)));
        var plan = DatasetPlanner.Plan(rows, AllImagesExist, LabelsCsv.Options());
        Assert.Equal(1, plan.Skipped[DatasetPlanner.ReasonBoxOutsideImage]);
        Assert.Equal(188, plan.ImageCount);
        Assert.DoesNotContain(plan.Images, i => i.SourceUri.EndsWith("outside.jpg", StringComparison.Ordinal));
    }

    [Fact]
    public void Skips_a_label_whose_image_is_missing_and_counts_it()
    {
        var missing = new HashSet<string> { LabelsCsv.Uri("bad/image-2020-04-22-11-07-29-26-cropped-left-top.jpg"), LabelsCsv.Uri("good/image-2020-04-22-10-15-16-00-cropped-left-top.jpg") };
        var plan = DatasetPlanner.Plan(LabelsCsv.Rows(), uri => !missing.Contains(uri), LabelsCsv.Options());
        Assert.Equal(2, plan.Skipped[DatasetPlanner.ReasonImageMissing]);
        Assert.Equal(2, plan.SkippedLabels);
        Assert.Equal(186, plan.ImageCount);
        Assert.Equal(385 - 3, plan.LabelCount);
    }

    [Fact]
    public void Skips_labels_with_unknown_classes_or_unreadable_annotations_and_counts_them()
    {
        var rows = LabelsCsv.Rows()
            .Append(LabelsCsv.Row("bad/class-3.jpg", "[{\"class_id\": 3, \"top\": 1, \"left\": 1, \"height\": 5, \"width\": 5}]"))
            .Append(LabelsCsv.Row("bad/garbled.jpg", "[{\"class_id\": 0, \"top\":"))
            .Append(LabelsCsv.Row("bad/no-size.jpg", Box(1, 1, 5, 5), width: 0));
        var plan = DatasetPlanner.Plan(rows, AllImagesExist, LabelsCsv.Options());
        Assert.Equal(1, plan.Skipped[DatasetPlanner.ReasonUnknownClass]);
        Assert.Equal(1, plan.Skipped[DatasetPlanner.ReasonUnreadableAnnotations]);
        Assert.Equal(1, plan.Skipped[DatasetPlanner.ReasonInvalidSize]);
        Assert.Equal(188, plan.ImageCount);
    }

    [Fact]
    public void Fails_if_the_dataset_is_empty()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetPlanner.Plan([], AllImagesExist, LabelsCsv.Options()));
        Assert.Contains("empty dataset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_with_the_counted_reasons_if_every_label_is_skipped()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetPlanner.Plan(LabelsCsv.Rows(), _ => false, LabelsCsv.Options()));
        Assert.Contains("empty dataset", error.Message, StringComparison.Ordinal);
        Assert.Contains("188 image missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_only_one_of_the_configured_classes_has_boxes()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetPlanner.Plan(LabelsCsv.Rows(), AllImagesExist, LabelsCsv.Options(42, "scratch", "dent")));
        Assert.Contains("only 1 of 2 classes have boxes; no box of class dent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_every_image_is_background()
    {
        var rows = Enumerable.Range(0, 40).Select(i => LabelsCsv.Row($"good/{i}.jpg", "[]"));
        var error = Assert.Throws<DatasetException>(() => DatasetPlanner.Plan(rows, AllImagesExist, LabelsCsv.Options()));
        Assert.Contains("all 40 images are background", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_a_split_would_be_empty()
    {
        var rows = LabelsCsv.Rows().Take(2);
        var error = Assert.Throws<DatasetException>(() => DatasetPlanner.Plan(rows, AllImagesExist, LabelsCsv.Options()));
        Assert.Contains("split is empty with 2 images", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_athena_output_with_every_value_quoted_and_json_annotations()
    {
        const string csv = "\"source_ref\",\"image_width\",\"image_height\",\"image_depth\",\"annotations\",\"event_time\",\"labeling_job\",\"status\",\"write_time\",\"is_deleted\"\n"
            + "\"s3://b/x/a.jpg\",\"450\",\"300\",\"3\",\"[{\"\"class_id\"\": 0, \"\"top\"\": 10, \"\"left\"\": 20, \"\"height\"\": 30, \"\"width\"\": 40}]\",\"1657199072.0\",\"job\",\"APPROVED\",\"2024-01-01 00:00:00.000\",\"false\"\n";
        var row = Assert.Single(LabelsCsvReader.Read(csv));
        Assert.Equal("s3://b/x/a.jpg", row.SourceRef);
        Assert.Equal(1657199072.0, row.EventTime);
        Assert.False(row.IsDeleted);
        Assert.Equal([new PixelBox(0, 20, 10, 40, 30)], AnnotationParser.TryParse(row.Annotations)!.ToArray());
    }

    [Fact]
    public void Fails_if_the_csv_lacks_a_required_column()
    {
        var error = Assert.Throws<DatasetException>(() => LabelsCsvReader.Read("source_ref,image_width\ns3://b/a.jpg,450\n"));
        Assert.Contains("lacks column(s) image_height, annotations, event_time, status", error.Message, StringComparison.Ordinal);
    }

    private static string Box(int left, int top, int width, int height) =>
        $"[{{\"class_id\": 0, \"top\": {top}, \"left\": {left}, \"height\": {height}, \"width\": {width}}}]";

    private static Dictionary<string, DatasetSplit> Splits(DatasetPlan plan) => plan.Images.ToDictionary(i => i.SourceUri, i => i.Split);

    private DatasetImage Image(string path) => _plan.Images.Single(i => i.SourceUri == LabelsCsv.Uri(path));

    [Fact]
    public void Names_the_labeling_jobs_behind_the_dataset_newest_first_and_not_those_of_labels_left_out()
    {
        var rows = new[]
        {
            LabelsCsv.Row("bad/a.jpg", Box(10, 10, 20, 20), 100) with { LabelingJob = "edgemlops-dev-20261201-label" },
            // As the feature store holds it: Ground Truth's job-name form.
            LabelsCsv.Row("bad/b.jpg", Box(10, 10, 20, 20), 300) with { LabelingJob = "labeling-job/edgemlops-dev-20261203-label" },
            LabelsCsv.Row("bad/c.jpg", Box(10, 10, 20, 20), 200) with { LabelingJob = "edgemlops-dev-20261201-label" },
            // Superseded by a newer label of the same image: its job is not behind the dataset.
            LabelsCsv.Row("bad/d.jpg", Box(10, 10, 20, 20), 50) with { LabelingJob = "edgemlops-dev-20261130-label" },
            LabelsCsv.Row("bad/d.jpg", Box(10, 10, 20, 20), 250) with { LabelingJob = "edgemlops-dev-20261202-label" },
            // Rejected: not in the dataset.
            LabelsCsv.Row("bad/e.jpg", Box(10, 10, 20, 20), 400, status: "REJECTED") with { LabelingJob = "edgemlops-dev-20261204-label" },
        };

        // Enough images of the oldest job for every split to hold some.
        var filler = Enumerable.Range(0, 40).Select(i => LabelsCsv.Row($"bad/f{i:D2}.jpg", Box(10, 10, 20, 20), 150) with { LabelingJob = "edgemlops-dev-20261201-label" });

        var plan = DatasetPlanner.Plan(rows.Concat(filler), AllImagesExist, LabelsCsv.Options());

        Assert.Equal(["edgemlops-dev-20261203-label", "edgemlops-dev-20261202-label", "edgemlops-dev-20261201-label"], plan.LabelingJobs);
        Assert.Equal("edgemlops-dev-20261203-label edgemlops-dev-20261202-label edgemlops-dev-20261201-label", PrepareResponse.From(plan, "s3://b/d").LabelingJobs);
    }

    [Fact]
    public void Names_as_many_labeling_jobs_as_a_metadata_value_holds_and_none_when_no_label_names_one()
    {
        var many = Enumerable.Range(0, 40).Select(i => LabelsCsv.Row($"bad/{i:D2}.jpg", Box(10, 10, 20, 20), 1000 - i) with { LabelingJob = $"edgemlops-dev-job-{i:D2}" }).ToList();

        var jobs = DatasetPlanner.Plan(many, AllImagesExist, LabelsCsv.Options()).LabelingJobs;
        var joined = string.Join(EdgeMlOps.Contracts.ModelPackageMetadata.LabelingJobSeparator, jobs);

        Assert.True(joined.Length <= EdgeMlOps.Contracts.ModelPackageMetadata.MaxValueLength, $"{joined.Length} characters");
        Assert.True(joined.Length + 1 + "edgemlops-dev-job-00".Length > EdgeMlOps.Contracts.ModelPackageMetadata.MaxValueLength, "one more job would have fitted");
        Assert.Equal([.. Enumerable.Range(0, jobs.Count).Select(i => $"edgemlops-dev-job-{i:D2}")], jobs);
        var unnamed = DatasetPlanner.Plan(many.Select(r => r with { LabelingJob = string.Empty }), AllImagesExist, LabelsCsv.Options());
        Assert.Equal(EdgeMlOps.Contracts.ModelPackageMetadata.NoLabelingJobs, PrepareResponse.From(unnamed, "s3://b/d").LabelingJobs);
    }
}
