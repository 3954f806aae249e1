from marketplace.search.models import DocumentoRicerca, TipoRisultato

__all__ = ["DocumentoRicerca", "TipoRisultato"]
