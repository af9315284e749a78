using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;

namespace EdgeComponent.Tests.Component;

public sealed class CaptureDecisionTests
{
    private static readonly CaptureSettings Band = new() { UncertaintyLow = 0.3, UncertaintyHigh = 0.6, SampleFraction = 0.1 };

    [Theory]
    [InlineData(0.3f)]
    [InlineData(0.45f)]
    [InlineData(0.6f)]
    public void Confidence_inside_the_band_is_captured_as_uncertain(float confidence)
    {
        Assert.Equal(CaptureReason.Uncertain, CaptureDecision.Decide(confidence, Band, randomDraw: 0.99));
    }

    [Theory]
    [InlineData(0.29f)]
    [InlineData(0.61f)]
    [InlineData(0.95f)]
    public void Confident_frame_is_not_captured_unless_sampled(float confidence)
    {
        Assert.Equal(CaptureReason.None, CaptureDecision.Decide(confidence, Band, randomDraw: 0.5));
        Assert.Equal(CaptureReason.Sampled, CaptureDecision.Decide(confidence, Band, randomDraw: 0.05));
    }

    [Fact]
    public void Frame_without_detections_can_only_be_sampled()
    {
        Assert.Equal(CaptureReason.None, CaptureDecision.Decide(null, Band, randomDraw: 0.1));
        Assert.Equal(CaptureReason.Sampled, CaptureDecision.Decide(null, Band, randomDraw: 0.0999));
    }

    [Fact]
    public void Disabled_capture_never_captures()
    {
        Assert.Equal(CaptureReason.None, CaptureDecision.Decide(0.45f, Band with { Enabled = false }, randomDraw: 0));
    }

    [Fact]
    public void Zero_sample_fraction_samples_nothing()
    {
        Assert.Equal(CaptureReason.None, CaptureDecision.Decide(0.9f, Band with { SampleFraction = 0 }, randomDraw: 0));
    }
}
