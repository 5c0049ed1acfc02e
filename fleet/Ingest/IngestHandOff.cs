namespace Edge.Fleet.Ingest;

/// <summary>
/// When <see cref="EventIngest.IngestAsync"/> returns, i.e. when the broker acknowledges the batch (its PUBACK). The
/// device's events are freed only by the fleet's application ack, sent after the durable commit either way.
/// </summary>
public enum IngestHandOff
{
    /// <summary>Once the batch is stored or refused: the PUBACK's reason code tells which (the external broker path,
    /// where the shared subscription already lets many batches wait in one group commit).</summary>
    WhenStored,

    /// <summary>
    /// Once the batch is queued for the group commit, if it is not stored within <see cref="EventIngest.StoreGrace"/>
    /// (the embedded broker: MQTTnet reads a connection's next packet only when the interceptor returns, so waiting
    /// for the store there would let one device's batches reach the group commit only one at a time).
    /// </summary>
    WhenQueued,
}
