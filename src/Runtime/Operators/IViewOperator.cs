namespace Cnnrt.Operators;

/// <summary>
/// Marks operators whose output 0 holds exactly input 0's elements in the same order under another shape (Reshape,
/// Flatten, Squeeze, Unsqueeze, Identity, Dropout). The planner gives both the same arena memory, and the step's
/// copy becomes a no-op.
/// </summary>
public interface IViewOperator
{
}
