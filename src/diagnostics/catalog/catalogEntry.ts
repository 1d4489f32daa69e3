/** One diagnostic of the catalog: its code, severity, message template and help. */
export interface CatalogEntry {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly help?: string;
}
