"""AWS wire protocols driven by botocore's service models; no service-specific code lives here."""

from .errors import NotModified, ServiceError
from .models import load_model_file, load_service_model, query_error_codes
from .parser import parse_params, validate_params
from .request import HttpRequest, HttpResponse
from .router import OperationRouter, request_protocol
from .serializer import WireOptions, serialize_error, serialize_output

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "NotModified",
    "OperationRouter",
    "ServiceError",
    "WireOptions",
    "load_model_file",
    "load_service_model",
    "parse_params",
    "query_error_codes",
    "request_protocol",
    "serialize_error",
    "serialize_output",
    "validate_params",
]
