namespace EdgeMlOps.Contracts;

/// <summary>
/// The health message's <c>shadow</c> block (added within schema version 1; absent outside shadow evaluation): how
/// the candidate model, run in shadow on a sample of the frames, agrees with the current model that publishes the
/// results (see <see cref="ShadowEvaluation"/>). Counts are since the component started.
/// </summary>
public sealed record HealthShadow
{
    /// <summary>The candidate's model component version (what the shadow deployment will promote).</summary>
    public string? CandidateVersion { get; init; }

    /// <summary>The candidate runs on one frame in this many.</summary>
    public int SampleEvery { get; init; }

    /// <summary>Frames both models ran on.</summary>
    public long FramesCompared { get; init; }

    /// <summary>Sampled frames on which the candidate failed (inference error); they are not compared.</summary>
    public long CandidateFailures { get; init; }

    /// <summary>Boxes of both models that match (same class, IoU ≥ 0.5, one to one), over the compared frames.</summary>
    public long MatchedBoxes { get; init; }

    /// <summary>Boxes of the current model on compared frames.</summary>
    public long CurrentBoxes { get; init; }

    /// <summary>Boxes of the candidate on compared frames.</summary>
    public long CandidateBoxes { get; init; }

    /// <summary>Box-level F1 of the candidate against the current model (2·matched / (current + candidate)); 1 when neither found a box.</summary>
    public double BoxF1 { get; init; }

    /// <summary>Compared frames on which the current model found at least one defect.</summary>
    public long CurrentDefectFrames { get; init; }

    /// <summary>Compared frames on which the candidate found at least one defect.</summary>
    public long CandidateDefectFrames { get; init; }

    /// <summary>Compared frames on which the current model found a defect and the candidate none.</summary>
    public long MissedDefectFrames { get; init; }

    /// <summary>Candidate defect rate minus the current model's (frames with ≥ 1 detection / frames compared); signed.</summary>
    public double DefectRateDifference { get; init; }

    /// <summary>Inference p95 of the current model on the compared frames, ms.</summary>
    public double CurrentInferenceP95 { get; init; }

    /// <summary>Inference p95 of the candidate on the compared frames, ms.</summary>
    public double CandidateInferenceP95 { get; init; }

    /// <summary>Candidate inference p95 / current inference p95 (0 before the first comparison).</summary>
    public double LatencyP95Ratio { get; init; }

    /// <summary>Why the candidate does not run (e.g. it did not load, or its input size differs); null while it runs.</summary>
    public string? LastError { get; init; }
}
