/** The end of the quorum forms: the input problem (if any) as an alert, then submit and Cancel. */
export function FormActions({ problem, submitLabel, onCancel }: { problem: string | null; submitLabel: string; onCancel: () => void }) {
  return (
    <>
      {problem !== null && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
