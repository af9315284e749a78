namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Reads section <c>training</c>; owned by the training app.</summary>
public static partial class SettingsLoader
{
    private static TrainingSettings ReadTraining(SettingsReader r)
    {
        var imageSize = r.Integer(SettingsSchema.Training.ImageSize);
        if (imageSize % 32 != 0)
        {
            r.Problem(SettingsSchema.Training.ImageSize, $"must be a multiple of 32, got {imageSize}");
        }

        var validationPercent = r.Integer(SettingsSchema.Training.ValidationPercent);
        var testPercent = r.Integer(SettingsSchema.Training.TestPercent);
        if (validationPercent + testPercent > 80)
        {
            r.Problem(SettingsSchema.Training.TestPercent, $"plus validationPercent must leave at least 20 percent for training, got {validationPercent} + {testPercent}");
        }

        var pollInterval = r.Integer(SettingsSchema.Training.PollIntervalSeconds);
        var maxWaitHours = r.Integer(SettingsSchema.Training.MaxWaitHours);
        var neededPolls = (int)Math.Ceiling(maxWaitHours * 3600.0 / pollInterval);
        if (neededPolls > TrainingSettings.MaxPolls)
        {
            var minInterval = (int)Math.Ceiling(maxWaitHours * 3600.0 / TrainingSettings.MaxPolls);
            r.Problem(SettingsSchema.Training.PollIntervalSeconds,
                $"with maxWaitHours {maxWaitHours} needs {neededPolls} polls, more than the {TrainingSettings.MaxPolls} that fit one workflow execution " +
                $"({TrainingSettings.HistoryEventsPerPoll} history events per poll, kept under half of the 25,000-event Step Functions limit): " +
                $"set intervalSeconds to at least {minInterval}, or lower maxWaitHours, got {pollInterval}");
        }

        return new TrainingSettings
        {
            TrainingInstanceType = r.Text(SettingsSchema.Training.TrainingInstanceType)!,
            ProcessingInstanceType = r.Text(SettingsSchema.Training.ProcessingInstanceType)!,
            Epochs = r.Integer(SettingsSchema.Training.Epochs),
            ImageSize = imageSize,
            BatchSize = r.Integer(SettingsSchema.Training.BatchSize),
            MapThreshold = r.Number(SettingsSchema.Training.MapThreshold)!.Value,
            Schedule = r.Text(SettingsSchema.Training.Schedule)!,
            ModelApprovalStatus = r.Choice(SettingsSchema.Training.ModelApprovalStatus),
            PretrainedWeightsUri = r.Text(SettingsSchema.Training.PretrainedWeightsUri),
            MinNewLabelsToRetrain = r.Integer(SettingsSchema.Training.MinNewLabelsToRetrain),
            PollIntervalSeconds = pollInterval,
            MaxWaitHours = maxWaitHours,
            ContainerImageUri = r.Text(SettingsSchema.Training.ContainerImageUri),
            SplitSeed = r.Integer(SettingsSchema.Training.SplitSeed),
            ValidationPercent = validationPercent,
            TestPercent = testPercent,
        };
    }
}
