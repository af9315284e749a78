namespace EdgeMlOps.LocalTwin.Report;

/// <summary>What the drift scenario observed at each link of its chain, for the report line and the tests.</summary>
public sealed record DriftOutcome
{
    /// <summary>The device whose camera was darkened and blurred.</summary>
    public required string Device { get; init; }

    /// <summary>The configured threshold (edge.drift.threshold).</summary>
    public required double Threshold { get; init; }

    /// <summary>Frames the camera replays, all rewritten darkened and blurred.</summary>
    public required int FramesDarkened { get; init; }

    /// <summary>SHA-256 (lower-case hex) of every darkened frame: the capture keys name the image's hash.</summary>
    public required IReadOnlyList<string> DarkenedSha256 { get; init; }

    /// <summary>The drifted device's combined score before the camera changed (its last scored health message).</summary>
    public required double ScoreBefore { get; init; }

    /// <summary>The drifted device's first health message with drift.drifted true: its score and per-statistic PSIs.</summary>
    public required double ScoreWhenDrifted { get; init; }

    public required IReadOnlyDictionary<string, double> StatisticsWhenDrifted { get; init; }

    /// <summary>Until when the device raised its capture sampling (its health message's drift.captureBoostUntil).</summary>
    public DateTime? CaptureBoostUntil { get; init; }

    /// <summary>Seconds from the camera change to the first drifted health message.</summary>
    public required double SecondsToDrifted { get; init; }

    /// <summary>Frames the drifted device uploaded for labeling in the same span before and after the camera changed.</summary>
    public required int UploadsBefore { get; init; }

    public required int UploadsAfter { get; init; }

    /// <summary>Capture keys of darkened frames the device uploaded.</summary>
    public required IReadOnlyList<string> DarkenedCaptures { get; init; }

    /// <summary>Every other device's highest combined score over the same span, and whether any of them ever reported drift.</summary>
    public required IReadOnlyDictionary<string, double> OtherDevicesMaxScore { get; init; }

    public required bool OtherDevicesDrifted { get; init; }

    /// <summary>The drift events table after the run, as the edge stack's drift rule (WHERE drift.drifted) wrote it: thing name → driftAt, score.</summary>
    public required IReadOnlyDictionary<string, (string DriftAt, double Score)> DriftEvents { get; init; }

    /// <summary>The drift events table's name (the training app's, from the SSM contract).</summary>
    public required string DriftEventsTable { get; init; }

    /// <summary>Darkened captures listed in the labeling manifest; label records written by the labeling run.</summary>
    public int DarkenedInManifest { get; set; }

    /// <summary>The training workflow run that the LabelsUpdated event started (null until it ran).</summary>
    public DriftRetraining? Retraining { get; set; }
}

/// <summary>The training workflow execution after the labeling run, and what it asked SageMaker to do.</summary>
public sealed record DriftRetraining
{
    /// <summary>The input the training stack's LabelsUpdated rule gave the workflow.</summary>
    public required string WorkflowInput { get; init; }

    public required string ExecutionStatus { get; init; }

    public string? Error { get; init; }

    /// <summary>Devices the workflow's drift scan counted (drift after the last training).</summary>
    public required int DriftedDevicesCounted { get; init; }

    /// <summary>Scan pages the workflow read.</summary>
    public required int ScanPages { get; init; }

    /// <summary>Each StartPipelineExecution the SageMaker stand-in received: pipeline name and parameters.</summary>
    public required IReadOnlyList<(string PipelineName, IReadOnlyDictionary<string, string> Parameters, string Description)> PipelineStarts { get; init; }

    /// <summary>The retrain counter's lastTrainingTrigger after the run.</summary>
    public string? LastTrainingTrigger { get; init; }

    /// <summary>The registered package's triggerSource metadata (the pipeline's RegisterModel step resolved with the started parameters).</summary>
    public string? RegisteredTriggerSource { get; init; }

    /// <summary>The registered package's labelingJobs metadata (lineage the release ledger and fleet status read).</summary>
    public string? RegisteredLabelingJobs { get; init; }

    /// <summary>The labeling_job of the feature records the labeling run wrote.</summary>
    public IReadOnlyList<string> LabeledBy { get; init; } = [];

    /// <summary>The workflow's e-mail subject and message.</summary>
    public string? Notification { get; init; }
}
